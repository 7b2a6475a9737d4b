import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { request } from 'node:http';
import path from 'node:path';
import jsQR from 'jsqr';
import { chromium, type Browser } from 'playwright-core';
import { PNG } from 'pngjs';
import type { Room } from '../../src/rooms/room';
import { SessionIdentity } from '../support/client-crypto';
import { ONION_AES } from '../support/sogs-client';
import { TestApp } from '../support/test-app';
import { sessionMessage } from '../support/session-message';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SCRIPT = '<script>alert(1)</script>';
const IMG = '"><img src=x onerror=alert(1)>';

const post = (data: Buffer, extra: Record<string, unknown> = {}) => ({
  json: {
    data: data.toString('base64'),
    signature: randomBytes(64).toString('base64'),
    ...extra,
  },
});

/** A plain browser-like GET, never following redirects. */
async function get(t: TestApp, path: string) {
  const res = await fetch(t.baseUrl + path, { redirect: 'manual' });
  return { res, body: Buffer.from(await res.arrayBuffer()) };
}

/** The status of a GET whose request target is sent exactly as given. */
function rawStatus(t: TestApp, target: string): Promise<number | undefined> {
  return new Promise((resolve, reject) => {
    const req = request(`${t.baseUrl}/`, { path: target }, (res) => {
      res.resume();
      resolve(res.statusCode);
    });
    req.on('error', reject);
    req.end();
  });
}

function decodeQr(png: Buffer): { width: number; height: number; text: string | undefined } {
  const img = PNG.sync.read(png);
  const code = jsQR(new Uint8ClampedArray(img.data), img.width, img.height);
  return { width: img.width, height: img.height, text: code?.data };
}

describe('public web pages (api.md §9)', () => {
  let t: TestApp;
  let lobby: Room;
  let joinUrl: string;

  beforeAll(async () => {
    // The default server accepts onion requests only: the pages must still answer over HTTP.
    t = await TestApp.start();
    lobby = await t.givenRoom('Lobby', {
      name: 'The <b>Lobby</b> & co',
      description: `Say hi!\n${SCRIPT}`,
    });
    await t.givenRoom('members', { name: 'Members only', defaults: { read: false } });
    await t.givenRoom('hidden', {
      name: 'Hidden',
      defaults: { read: false, accessible: false },
    });
    joinUrl = `${t.config.http.baseUrl}/Lobby?public_key=${t.keys.publicKeyHex}`;
    const [alice, bob, mod] = [1, 2, 3].map(() => SessionIdentity.random());
    await t.givenModerator(mod, lobby);
    const send = async (who: SessionIdentity, data: Buffer, extra = {}) => {
      const r = await t
        .client(who)
        .with({ via: ONION_AES })
        .post('/room/Lobby/message', post(data, extra));
      expect(r.status).toBe(201);
      t.clock.advance(20);
    };
    await send(alice, sessionMessage('Hello everyone', 'Alice'));
    await send(bob, sessionMessage(SCRIPT, IMG));
    await send(alice, sessionMessage(`line one\nline two ${IMG}`, 'Alice'));
    await send(mod, sessionMessage('for moderators only', 'Mod'), { whisper_mods: true });
    await send(bob, Buffer.from('not a protobuf at all'));
  });
  afterAll(() => t?.close());

  it('keeps the room API onion-only while the pages answer over plain HTTP', async () => {
    expect((await get(t, '/room/Lobby')).res.status).toBe(403);
    expect((await get(t, '/rooms')).res.status).toBe(403);
    expect((await get(t, '/')).res.status).toBe(200);
    expect((await get(t, '/r/Lobby/')).res.status).toBe(200);
    // Dot segments sent as they are (fetch would resolve them) do not reach the room API.
    for (const target of ['/r/../room/Lobby', '/r/%2e%2e/room/Lobby', '/r/..%2froom%2fLobby']) {
      expect([target, await rawStatus(t, target)]).toEqual([target, 404]);
    }
  });

  it('lists the publicly readable rooms at / with escaped text, URL and QR code', async () => {
    const { res, body } = await get(t, '/');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const csp = res.headers.get('content-security-policy')!;
    expect(csp).toMatch(/^default-src 'none'; /);
    expect(csp).not.toMatch(/script-src|unsafe-inline|unsafe-eval/);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    const page = body.toString();
    expect(page).toContain('The &lt;b&gt;Lobby&lt;/b&gt; &amp; co');
    expect(page).toContain('Say hi!\n&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page).not.toContain('<script');
    expect(page).not.toContain('<b>');
    expect(page).toContain(joinUrl);
    expect(page).toContain('href="r/Lobby/"');
    expect(page).toMatch(/0 active users in the last 7 days/);
    expect(page).toMatch(/<svg role="img" aria-label="QR code of [^"]+"/);
    expect(page).not.toContain('Members only');
    expect(page).not.toContain('Hidden');
  });

  it('redirects /r/:token to /r/:token/', async () => {
    const { res } = await get(t, '/r/Lobby');
    expect(res.status).toBe(308);
    expect(new URL(res.headers.get('location')!, `${t.baseUrl}/r/Lobby`).pathname).toBe(
      '/r/Lobby/',
    );
    expect((await get(t, '/r/lobby?x=1')).res.headers.get('location')).toBe('lobby/');
  });

  it('shows the room, its join URL and recent messages, escaped, without whispers', async () => {
    const { res, body } = await get(t, '/r/lobby/');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('content-security-policy')).toBe(
      (await get(t, '/')).res.headers.get('content-security-policy'),
    );
    const page = body.toString();
    // The join URL keeps the case the room was created with.
    expect(page).toContain(`<code class="url">${joinUrl}</code>`);
    expect(page).toContain('Hello everyone');
    expect(page).toContain('<p class="body">&lt;script&gt;alert(1)&lt;/script&gt;</p>');
    expect(page).toContain('&quot;&gt;&lt;img src=x onerror=alert(1)&gt;');
    expect(page).toContain('line one\nline two &quot;&gt;&lt;img');
    expect(page).not.toMatch(/<script|<img|onerror=alert\(1\)>/);
    expect(page).not.toContain('for moderators only');
    expect(page).toContain('(no text: an attachment or other content)');
    // Oldest first.
    expect(page.indexOf('Hello everyone')).toBeLessThan(page.indexOf('line one'));
  });

  it('serves the invite QR code as a 512×512 PNG of the join URL', async () => {
    const { res, body } = await get(t, '/r/Lobby/invite.png');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/png');
    expect(decodeQr(body)).toEqual({ width: 512, height: 512, text: joinUrl });
  });

  it('answers 403 for a room that is not publicly readable and 404 for no (visible) room', async () => {
    for (const target of ['/r/members/', '/r/members/invite.png']) {
      const { res, body } = await get(t, target);
      expect([target, res.status]).toEqual([target, 403]);
      expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(body.toString()).not.toContain('members?public_key');
    }
    for (const target of [
      '/r/hidden/',
      '/r/hidden/invite.png',
      '/r/nope/',
      '/r/nope/invite.png',
      '/r/bad%20token/',
      '/r/bad%20token',
      '/r/Lobby/other',
    ]) {
      expect([target, (await get(t, target)).res.status]).toEqual([target, 404]);
    }
  });

  describe('in a real headless Chromium', () => {
    let browser: Browser;

    beforeAll(async () => {
      if (!existsSync(CHROMIUM)) {
        throw new Error(`${CHROMIUM} is missing: apt-get install chromium (or set CHROMIUM_PATH)`);
      }
      browser = await chromium.launch({
        executablePath: CHROMIUM,
        args: [
          '--headless',
          '--no-sandbox',
          '--disable-gpu',
          '--disable-quic',
          '--no-first-run',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
        ],
      });
    }, 60000);
    afterAll(() => browser?.close());

    it('renders both pages without running any script from message text', async () => {
      const viewport = { width: 1000, height: 1400 };
      const context = await browser.newContext({ viewport });
      const page = await context.newPage();
      const dialogs: string[] = [];
      const cspErrors: string[] = [];
      page.on('dialog', (d) => {
        dialogs.push(d.message());
        void d.dismiss();
      });
      page.on('console', (m) => {
        if (/Content.Security.Policy/i.test(m.text())) cspErrors.push(m.text());
      });

      const index = await page.goto(`${t.baseUrl}/`);
      expect(index?.status()).toBe(200);
      await expect(
        page.getByRole('heading', { name: 'Session Communities' }).isVisible(),
      ).resolves.toBe(true);
      await expect(
        page.getByRole('link', { name: 'The <b>Lobby</b> & co' }).first().isVisible(),
      ).resolves.toBe(true);

      await page.getByRole('heading', { name: 'The <b>Lobby</b> & co' }).getByRole('link').click();
      await page.waitForURL(`${t.baseUrl}/r/Lobby/`);
      expect(await page.locator('h1').innerText()).toBe('The <b>Lobby</b> & co');
      const bodies = await page.locator('.message .body').allInnerTexts();
      expect(bodies).toEqual([
        'Hello everyone',
        SCRIPT,
        `line one\nline two ${IMG}`,
        '(no text: an attachment or other content)',
      ]);
      expect(await page.locator('.message .author').nth(1).innerText()).toBe(IMG);
      expect(await page.locator('img, script, iframe').count()).toBe(0);
      // The stylesheet applied (its hash is in the CSP): the QR box has its styled size.
      const qrBox = await page.locator('.qr.big svg').boundingBox();
      expect(qrBox?.width).toBeGreaterThan(200);
      await page.goto(`${t.baseUrl}/r/Lobby`); // redirected
      expect(page.url()).toBe(`${t.baseUrl}/r/Lobby/`);

      const shot = await page.screenshot();
      const img = PNG.sync.read(shot);
      expect([img.width, img.height]).toEqual([viewport.width, viewport.height]);
      const colours = new Set<number>();
      let dark = 0;
      for (let i = 0; i < img.data.length; i += 4) {
        colours.add(img.data.readUInt32BE(i));
        if (img.data[i] + img.data[i + 1] + img.data[i + 2] < 200) dark++;
      }
      expect(colours.size).toBeGreaterThan(10);
      expect(dark / (img.width * img.height)).toBeGreaterThan(0.01);
      // The QR code as the browser drew it still scans to the join URL.
      expect(decodeQr(shot).text).toBe(joinUrl);
      // To look at the pages: TSOGS_WEB_SCREENSHOTS=/some/dir.
      const dir = process.env.TSOGS_WEB_SCREENSHOTS;
      if (dir) {
        await page.screenshot({ path: path.join(dir, 'room.png'), fullPage: true });
        await page.goto(`${t.baseUrl}/`);
        await page.screenshot({ path: path.join(dir, 'index.png'), fullPage: true });
      }

      expect(dialogs).toEqual([]);
      expect(cspErrors).toEqual([]);
      await context.close();
    }, 60000);
  });
});

describe('web page settings ([net] http_show_index, http_show_recent)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await TestApp.start({
      env: { TSOGS_HTTP_SHOW_INDEX: 'no', TSOGS_HTTP_SHOW_RECENT: 'no', TSOGS_DIRECT: '1' },
    });
    await t.givenRoom('lobby', { name: 'Lobby' });
    const r = await t
      .client(SessionIdentity.random())
      .post('/room/lobby/message', post(sessionMessage('a secret hello', 'Ann')));
    expect(r.status).toBe(201);
  });
  afterAll(() => t?.close());

  it('answers 403 at / and leaves recent messages off the room page', async () => {
    const index = await get(t, '/');
    expect(index.res.status).toBe(403);
    expect(index.res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const room = await get(t, '/r/lobby/');
    expect(room.res.status).toBe(200);
    expect(room.body.toString()).toContain('lobby?public_key=');
    expect(room.body.toString()).not.toMatch(/a secret hello|Recent messages/);
    expect((await get(t, '/r/lobby/invite.png')).res.status).toBe(200);
  });
});
