import { isTransientDatabaseError } from './db-errors';

const withCode = (code: string, message = 'x') => Object.assign(new Error(message), { code });

describe('isTransientDatabaseError', () => {
  it.each([
    ['refused', withCode('ECONNREFUSED')],
    ['admin shutdown', withCode('57P01')],
    ['starting up', withCode('57P03')],
    ['connection exception class', withCode('08006')],
    ['deadlock', withCode('40P01')],
    ['serialization failure', withCode('40001')],
    ['cut connection', new Error('Connection terminated unexpectedly')],
    ['pool timeout', new Error('timeout exceeded when trying to connect')],
    ['every address refused', new AggregateError([withCode('ECONNREFUSED')])],
  ])('%s: yes', (_name, err) => expect(isTransientDatabaseError(err)).toBe(true));

  it.each([
    ['a constraint violation', withCode('23505')],
    ['bad input', withCode('22P02')],
    ['a plain error', new Error('boom')],
    ['not an Error', { code: '40P01' }],
  ])('%s: no', (_name, err) => expect(isTransientDatabaseError(err)).toBe(false));
});
