import { escapeHtml, html, trustedHtml } from './html';

describe('escapeHtml', () => {
  it('escapes the five characters that matter in content and quoted attributes', () => {
    expect(escapeHtml(`<a href="x" title='y'>&amp;</a>`)).toBe(
      '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;amp;&lt;/a&gt;',
    );
  });

  it('leaves other text, including non-ASCII and control characters, as it is', () => {
    expect(escapeHtml('héllo 👋 \u202e\n\t')).toBe('héllo 👋 \u202e\n\t');
    expect(escapeHtml('')).toBe('');
  });

  it('neutralises script and attribute injection', () => {
    for (const attack of ['<script>alert(1)</script>', '"><img src=x onerror=alert(1)>']) {
      const out = escapeHtml(attack);
      expect(out).not.toMatch(/[<>"]/);
    }
  });
});

describe('html templates', () => {
  // Not `html`, so that Prettier leaves the exact markup under test alone.
  const h = html;

  it('escapes every interpolated value', () => {
    const name = '<b>"x"</b>';
    const e = '&lt;b&gt;&quot;x&quot;&lt;/b&gt;';
    expect(h`<p title="${name}">${name}</p>`.value).toBe(`<p title="${e}">${e}</p>`);
  });

  it('passes nested templates and trusted markup through, and renders lists and nothing', () => {
    const items = ['<1>', '2'].map((t) => h`<li>${t}</li>`);
    expect(h`<ul>${items}</ul>${null}${undefined}${false}${0}`.value).toBe(
      '<ul><li>&lt;1&gt;</li><li>2</li></ul>0',
    );
    expect(h`<div>${trustedHtml('<svg></svg>')}</div>`.value).toBe('<div><svg></svg></div>');
    expect(String(h`a${'&'}b`)).toBe('a&amp;b');
  });
});
