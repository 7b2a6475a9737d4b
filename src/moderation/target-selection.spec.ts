import { SogsError } from '../common/sogs-error';
import { parseTargetSelection } from './target-selection';

describe('parseTargetSelection (api.md §5, vectors.md §10.5)', () => {
  it.each([
    [{ rooms: ['a', 'b'] }, { rooms: ['a', 'b'] }],
    [{ rooms: ['*'] }, { rooms: '*' }],
    [{ global: true }, { global: true }],
    [{ global: false, rooms: ['a'] }, { rooms: ['a'] }],
    [{ global: true, rooms: null }, { global: true }],
  ])('%j → %j', (body, expected) => {
    expect(parseTargetSelection(body)).toEqual(expected);
  });

  it.each([
    { global: true, rooms: ['abc'] },
    {},
    { rooms: [] },
    { global: false, rooms: [] },
    { global: false, rooms: null },
    { rooms: ['test-room', '*'] },
    { rooms: ['*', 'test-room'] },
    { rooms: 'abc' },
    { rooms: [1] },
    { global: 'yes' },
    { global: false },
    [],
  ])('rejects %j with 400', (body) => {
    expect(() => parseTargetSelection(body)).toThrow(SogsError);
    try {
      parseTargetSelection(body);
    } catch (e) {
      expect((e as SogsError).status).toBe(400);
    }
  });
});
