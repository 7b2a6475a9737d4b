import { Controller, HttpCode, Inject, Post, Req } from '@nestjs/common';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.tokens';
import { JsonBody } from '../common/json-body';
import { TEXT_PLAIN } from '../common/error-response';
import { RequestMemo } from '../common/request-memo';
import { SogsError } from '../common/sogs-error';
import type { SogsRequest } from '../common/request-context';
import { Public } from '../auth/route-auth.decorators';
import { MessageReadsService } from '../messages/message-reads.service';
import { parseBatch } from './batch-request';
import { Dispatcher, type SubResponse } from './dispatcher';
import { PollSnapshotRepository } from './poll-snapshot.repository';
import { lookups, sinceReads } from './poll-plan';

/** /batch and /sequence may nest (api.md §1: no client does); this deep at most. */
const MAX_BATCH_DEPTH = 8;

/** The nesting level of this /batch or /sequence: 1 when no other contains it. */
function depthOf(req: SogsRequest): number {
  return (req.sogs.batchDepth ?? 0) + 1;
}

/** A sub-response as a batch item: JSON bodies inline, anything else base64 (api.md §1). */
function toItem(res: SubResponse) {
  if (res.code === 500) {
    // A crashed sub-request, as Android can decode it (api.md §1); no server detail leaks. A
    // deliberate 5xx (503, 507) keeps its text.
    return { code: res.code, headers: { 'content-type': TEXT_PLAIN }, body: '' };
  }
  const json = res.headers['content-type'] === 'application/json';
  return {
    code: res.code,
    headers: res.headers,
    body: json ? (res.json ?? JSON.parse(res.body.toString('utf8'))) : res.body.toString('base64'),
  };
}

@Controller()
export class BatchController {
  constructor(
    private readonly dispatcher: Dispatcher,
    private readonly snapshots: PollSnapshotRepository,
    private readonly reads: MessageReadsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** `POST /batch`: runs every sub-request in order as the outer caller. 200 array; 400 if invalid. */
  @Post('batch')
  @Public()
  @HttpCode(200)
  batch(@JsonBody() body: unknown, @Req() req: SogsRequest) {
    return this.run(this.parse(body, req), req, false);
  }

  /** `POST /sequence`: as /batch, but stops after the first non-2xx response. */
  @Post('sequence')
  @Public()
  @HttpCode(200)
  sequence(@JsonBody() body: unknown, @Req() req: SogsRequest) {
    return this.run(this.parse(body, req), req, true);
  }

  private parse(body: unknown, req: SogsRequest) {
    // Each level re-reads the whole body below it: nesting is bounded, or one request could
    // cost its size times its depth.
    if (depthOf(req) > MAX_BATCH_DEPTH)
      throw SogsError.badRequest(`Invalid batch request: nested more than ${MAX_BATCH_DEPTH} deep`);
    return parseBatch(body, this.config.limits.maxSubrequests);
  }

  private async run(subs: ReturnType<typeof parseBatch>, req: SogsRequest, stopOnError: boolean) {
    const memo = new RequestMemo();
    // A poll names each of its rooms twice, then its inbox and outbox: one round trip reads
    // what would otherwise take one each.
    const { tokens, dmReads } = lookups(subs);
    const user = req.sogs.user;
    const withDms = dmReads > 0 && user !== null;
    if (new Set(tokens.map((t) => t.toLowerCase())).size + (withDms ? dmReads : 0) > 1) {
      // Its `messages/since` reads get their news with the rooms; the first read with news
      // reads the reactions of all, and the rows of any read the snapshot did not carry.
      const planned = sinceReads(subs, this.dispatcher);
      memo.prefetch(tokens, withDms, (wanted, dms) =>
        this.snapshots.load(wanted, user, dms, planned),
      );
      memo.readSinceWith(() => this.reads.readAhead(memo, planned, user));
    }
    const origin = {
      transport: req.sogs.transport,
      inherited: { user, memo, depth: depthOf(req) },
    };
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
