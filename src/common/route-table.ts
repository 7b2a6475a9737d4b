import { Injectable } from '@nestjs/common';

/**
 * The methods each registered path pattern answers, so that an unsupported method on an
 * existing path gets 405 rather than 404 (api.md §0).
 */
@Injectable()
export class RouteTable {
  private readonly routes: { method: string; pattern: RegExp }[] = [];

  /** Records a Fastify route (`/room/:token/file/:id`, `…/*`). */
  add(method: string | string[], url: string): void {
    const source = url
      .split('/')
      .map((seg) =>
        seg === '*'
          ? '.*'
          : seg.startsWith(':')
            ? '[^/]+'
            : seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'),
      )
      .join('/');
    for (const m of Array.isArray(method) ? method : [method]) {
      this.routes.push({ method: m.toUpperCase(), pattern: new RegExp(`^${source}$`) });
    }
  }

  /** True when the path exists, but not for this method. */
  otherMethodMatches(method: string, path: string): boolean {
    return this.routes.some(
      (r) => r.method !== method.toUpperCase() && r.method !== 'HEAD' && r.pattern.test(path),
    );
  }
}
