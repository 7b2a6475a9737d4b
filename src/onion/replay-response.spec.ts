import { ReplayResponse } from './replay-response';

describe('ReplayResponse', () => {
  it('resolves with the status, the headers at writeHead time and the whole body', async () => {
    const res = new ReplayResponse();
    res.sendDate = false;
    res.setHeader('X-Early', 'yes');
    res.writeHead(201, { 'Content-Type': 'application/json', 'content-length': 7 });
    res.end('{"a":1}');
    await expect(res.result).resolves.toEqual({
      statusCode: 201,
      headers: { 'x-early': 'yes', 'content-type': 'application/json', 'content-length': 7 },
      body: Buffer.from('{"a":1}'),
    });
  });

  it('adds a date as Node does, unless sendDate is off', async () => {
    const res = new ReplayResponse();
    res.end();
    const { statusCode, headers } = await res.result;
    expect(statusCode).toBe(200);
    expect(headers.date).toBe(new Date(String(headers.date)).toUTCString());
  });

  it('emits finish once, on end', () => {
    const res = new ReplayResponse();
    const finished = jest.fn();
    res.on('finish', finished);
    res.end(Buffer.from('x'));
    res.end();
    expect(finished).toHaveBeenCalledTimes(1);
    expect(res.writableEnded).toBe(true);
  });

  it('refuses what Node refuses: bad header characters, late headers, bad status codes', () => {
    const res = new ReplayResponse();
    expect(() => res.setHeader('X-Bad', 'a\nb')).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_CHAR' }),
    );
    expect(() => res.setHeader('bad name', 'x')).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_HTTP_TOKEN' }),
    );
    expect(() => res.writeHead(99)).toThrow(
      expect.objectContaining({ code: 'ERR_HTTP_INVALID_STATUS_CODE' }),
    );
    res.writeHead(200);
    expect(() => res.setHeader('x-late', '1')).toThrow(
      expect.objectContaining({ code: 'ERR_HTTP_HEADERS_SENT' }),
    );
    expect(() => res.writeHead(200)).toThrow(
      expect.objectContaining({ code: 'ERR_HTTP_HEADERS_SENT' }),
    );
  });

  it('rejects when destroyed before it ends', async () => {
    const res = new ReplayResponse();
    res.destroy();
    await expect(res.result).rejects.toThrow('response destroyed before completion');
  });
});
