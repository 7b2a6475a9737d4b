import { SogsError } from '../common/sogs-error';
import { parseRoomUpdate } from './room-update';

const allControls = Array.from({ length: 0x21 }, (_, i) => String.fromCharCode(i)).join('');

describe('parseRoomUpdate (vectors.md §10.3)', () => {
  it('strips control characters from names, and all but tab and newline from descriptions', () => {
    expect(parseRoomUpdate({ name: `a${allControls}z` }).name).toBe('a z');
    expect(parseRoomUpdate({ description: `a${allControls}z` }).description).toBe('a\t\n z');
  });

  it('removes the description when it is empty or null', () => {
    expect(parseRoomUpdate({ description: '' }).description).toBeNull();
    expect(parseRoomUpdate({ description: null }).description).toBeNull();
    expect(parseRoomUpdate({ description: '\u0001' }).description).toBeNull();
  });

  it('takes booleans or integers for default permissions; null means unchanged', () => {
    expect(
      parseRoomUpdate({ default_read: false, default_write: 1, default_upload: null }).defaults,
    ).toEqual({
      read: false,
      write: true,
    });
  });

  it.each([
    {},
    { name: 42 },
    { name: null },
    { description: 42 },
    { default_read: 'foo' },
    { default_write: 'bar' },
    { default_upload: null },
    { image: '12' },
    { image: 1.5 },
    { image: null },
    { unrelated: true },
    [],
    'name',
  ])('rejects %j with 400', (body) => {
    let error: unknown;
    try {
      parseRoomUpdate(body);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SogsError);
    expect((error as SogsError).status).toBe(400);
  });
});
