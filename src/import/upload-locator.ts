import { statSync } from 'node:fs';
import path from 'node:path';

/**
 * Finds the bytes of a PySOGS upload. `files.path` is relative to PySOGS's working directory
 * (`uploads/<token>/<id>_<name>`) or absolute when its uploads directory was configured so.
 * Candidates, first existing file wins:
 *  1. an absolute path as stored;
 *  2. the path relative to the base directory: the parent of `--uploads DIR` (the directory that
 *     contains `uploads/`), else the SQLite file's directory (PostgreSQL: the current directory);
 *  3. with `--uploads DIR`: `DIR/<token>/<file>`, the last two components, for an uploads
 *     directory that was renamed or moved since PySOGS wrote the path.
 */
export class UploadLocator {
  private readonly base: string;

  constructor(
    private readonly uploadsDir: string | null,
    defaultBaseDir: string,
  ) {
    this.base = uploadsDir ? path.dirname(path.resolve(uploadsDir)) : defaultBaseDir;
  }

  locate(stored: string): string | null {
    const candidates: string[] = [];
    if (path.isAbsolute(stored)) candidates.push(stored);
    else candidates.push(path.resolve(this.base, stored));
    if (this.uploadsDir) {
      const parts = stored.split(/[\\/]+/).filter(Boolean);
      candidates.push(path.resolve(this.uploadsDir, ...parts.slice(-2)));
    }
    return candidates.find(isFile) ?? null;
  }
}

function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}
