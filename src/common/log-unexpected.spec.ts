import type { Logger } from '@nestjs/common';
import { logUnexpected } from './sogs-exception.filter';

describe('logUnexpected', () => {
  function logged(err: unknown): string {
    const lines: string[] = [];
    logUnexpected({ error: (line: string) => lines.push(line) } as unknown as Logger, err);
    return lines.join('\n');
  }

  it("logs an error's kind, code and call stack, never its message", () => {
    const err = Object.assign(new Error('invalid input syntax for type bigint: "secret text"'), {
      code: '22P02',
    });
    const line = logged(err);
    expect(line).toMatch(/^Error \(22P02\)\n\s+at /);
    expect(line).not.toContain('secret text');
  });

  it('says only that something other than an Error was thrown', () => {
    expect(logged({ text: 'secret text' })).toBe('non-Error thrown');
  });
});
