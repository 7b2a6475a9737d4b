/**
 * Upload filenames from `Content-Disposition` (api.md §4): RFC 5987 `filename*=UTF-8''…` wins
 * over plain `filename="…"` / `filename=…`. NUL and `/` become U+FFFD; nothing else changes.
 * Returns null when the header names no file.
 */
export function uploadFilename(header: string | undefined): string | null {
  if (!header) return null;
  const params = parseParams(header);
  let name: string | null = null;
  const extended = params.get('filename*');
  if (extended !== undefined) {
    const m = /^([\w!#$%&+^`{}~-]+)'[\w-]*'(.*)$/.exec(extended);
    if (m && /^utf-8$/i.test(m[1])) name = percentDecode(m[2]);
  }
  if (name === null) name = params.get('filename') ?? null;
  if (name === null || name === '') return null;
  return name.replace(/[\0/]/g, '\uFFFD');
}

/** `key=value` parameters after the disposition type; quoted values unescaped. */
function parseParams(header: string): Map<string, string> {
  const params = new Map<string, string>();
  const re = /;\s*([^\s=;]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;]*))/g;
  for (let m = re.exec(header); m; m = re.exec(header)) {
    const value = m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : m[3].trim();
    params.set(m[1].toLowerCase(), value);
  }
  return params;
}

function percentDecode(s: string): string | null {
  try {
    return decodeURIComponent(s);
  } catch {
    return null;
  }
}

/**
 * The download header: `attachment`, or `attachment; filename*=UTF-8''<name>` with every byte
 * outside `A–Z a–z 0–9 _ . - ~` percent-encoded in upper-case hex, so no stored name can inject
 * anything into the header.
 */
export function downloadDisposition(filename: string | null): string {
  if (!filename) return 'attachment';
  let out = '';
  for (const byte of Buffer.from(filename, 'utf8')) {
    const c = String.fromCharCode(byte);
    out += /[A-Za-z0-9_.~-]/.test(c) ? c : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return `attachment; filename*=UTF-8''${out}`;
}
