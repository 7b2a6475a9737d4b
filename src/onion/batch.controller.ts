import { Controller, HttpCode, Inject, Post, Req } from '@nestjs/common';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.tokens';
import { JsonBody } from '../common/json-body';
import { TEXT_PLAIN } from '../common/error-response';
import { RequestMemo } from '../common/request-memo';
import { RoomsRepository } from '../rooms/rooms.repository';
import type { SogsRequest } from '../common/request-context';
import { Public } from '../auth/route-auth.decorators';
import { parseBatch } from './batch-request';
import { Dispatcher, type SubResponse } from './dispatcher';

/** The room token of a `/room/:token/…` path, as sent (percent-encoded ones are left alone). */
const ROOM_IN_PATH = /^\/room\/([A-Za-z0-9_-]{1,64})(?:[/?]|$)/;

/** A sub-response as a batch item: JSON bodies inline, anything else base64 (api.md §1). */
function toItem(res: SubResponse) {
  if (res.code >= 500) {
    // What Android can decode for a crashed sub-request (api.md §1); no server detail leaks.
    return { code: res.code, headers: { 'content-type': TEXT_PLAIN }, body: '' };
  }
  const json = res.headers['content-type'] === 'application/json';
  return {
    code: res.code,
    headers: res.headers,
    body: json ? JSON.parse(res.body.toString('utf8')) : res.body.toString('base64'),
  };
}

@Controller()
export class BatchController {
  constructor(
    private readonly dispatcher: Dispatcher,
    private readonly rooms: RoomsRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** `POST /batch`: runs every sub-request in order as the outer caller. 200 array; 400 if invalid. */
  @Post('batch')
  @Public()
  @HttpCode(200)
  batch(@JsonBody() body: unknown, @Req() req: SogsRequest) {
    return this.run(this.parse(body), req, false);
  }

  /** `POST /sequence`: as /batch, but stops after the first non-2xx response. */
  @Post('sequence')
  @Public()
  @HttpCode(200)
  sequence(@JsonBody() body: unknown, @Req() req: SogsRequest) {
    return this.run(this.parse(body), req, true);
  }

  private parse(body: unknown) {
    return parseBatch(body, this.config.limits.maxSubrequests);
  }

  private async run(subs: ReturnType<typeof parseBatch>, req: SogsRequest, stopOnError: boolean) {
    const memo = new RequestMemo();
    // A poll names several rooms: look them all up in one round trip.
    const tokens = new Set(subs.map((s) => ROOM_IN_PATH.exec(s.target)?.[1]).filter(Boolean));
    if (tokens.size > 1) {
      memo.prefetched(
        await this.rooms.findManyForCaller([...tokens] as string[], req.sogs.user?.id ?? null),
      );
    }
    const origin = { transport: req.sogs.transport, inherited: { user: req.sogs.user, memo } };
    const out = [];
    for (const sub of subs) {
      const res = await this.dispatcher.dispatch(sub, origin);
      if (sub.method !== 'GET') memo.clear();
      out.push(toItem(res));
      if (stopOnError && (res.code < 200 || res.code > 299)) break;
    }
    return out;
  }
}
