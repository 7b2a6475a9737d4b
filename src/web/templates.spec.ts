import { createHash } from 'node:crypto';
import { loadConfig } from '../config/env.schema';
import { parseSogsIni } from '../config/sogs-ini';
import { trustedHtml } from './html';
import {
  CONTENT_SECURITY_POLICY,
  errorPage,
  indexPage,
  roomPage,
  type RecentMessage,
  type RoomSummary,
} from './templates';

const SCRIPT = '<script>alert(1)</script>';
const IMG = '"><img src=x onerror=alert(1)>';

const room: RoomSummary = {
  token: 'lobby',
  name: `Lobby ${IMG}`,
  description: `line 1\n  ${SCRIPT}`,
  activeUsers: 1,
  joinUrl: 'http://example.net/lobby?public_key=00',
  qrSvg: trustedHtml('<svg role="img"></svg>'),
};
const messages: RecentMessage[] = [
  { name: IMG, sessionId: `15${'a'.repeat(64)}`, posted: 0, edited: true, text: SCRIPT },
  {
    name: undefined,
    sessionId: `05${'b'.repeat(64)}`,
    posted: 1.5,
    edited: false,
    text: undefined,
  },
];

/** No markup from the hostile values: only the page's own tags appear. */
function expectNoInjection(page: string) {
  expect(page).not.toMatch(/<script|<img|onerror=alert\(1\)>/i);
}

describe('web page templates', () => {
  it('allows exactly the inline stylesheet it emits, and no script', () => {
    const page = errorPage('t', 'm');
    const css = /<style>([^]*?)<\/style>/.exec(page)![1];
    const hash = createHash('sha256').update(css).digest('base64');
    expect(CONTENT_SECURITY_POLICY).toContain(`style-src 'sha256-${hash}'`);
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/script-src|unsafe/);
    expect(CONTENT_SECURITY_POLICY).toMatch(/^default-src 'none'/);
  });

  it('escapes room and message text everywhere, keeping its whitespace', () => {
    for (const page of [indexPage([room], 7), roomPage(room, 7, messages)]) {
      expectNoInjection(page);
      expect(page).toContain('Lobby &quot;&gt;&lt;img src=x onerror=alert(1)&gt;');
      expect(page).toContain('<p class="desc">line 1\n  &lt;script&gt;alert(1)&lt;/script&gt;</p>');
      expect(page).toContain('<svg role="img"></svg>');
      expect(page).toContain('1 active user in the last 7 days');
    }
    const page = roomPage(room, 7, messages);
    expect(page).toContain('<p class="body">&lt;script&gt;alert(1)&lt;/script&gt;</p>');
    expect(page).toContain('<span class="author">&quot;&gt;&lt;img src=x');
    expect(page).toContain('<span class="author">05bbbb…bbbb</span>');
    expect(page).toContain('datetime="1970-01-01T00:00:01.500Z"');
    expect(page).toContain('(edited)');
    expect(page).toContain('(no text: an attachment or other content)');
  });

  it('leaves recent messages out when they are not shown, and says when there are none', () => {
    expect(roomPage(room, 7, null)).not.toContain('Recent messages');
    expect(roomPage(room, 7, [])).toContain('No messages yet.');
  });

  it('shows a setup note when there are no public rooms', () => {
    expect(indexPage([], 7)).toContain('This server has no public rooms yet.');
  });
});

describe('web page settings', () => {
  it('default on, and map from PySOGS [net] http_show_index / http_show_recent', () => {
    expect(loadConfig({ TSOGS_DATA_DIR: 'data' }).http).toMatchObject({
      showIndex: true,
      showRecent: true,
    });
    const ini = parseSogsIni('[net]\nhttp_show_index = no\nhttp_show_recent = off\n');
    expect(ini.problems).toEqual([]);
    const config = loadConfig({ ...ini.env, TSOGS_DATA_DIR: 'data' });
    expect(config.http).toMatchObject({ showIndex: false, showRecent: false });
  });
});
