import { Controller, Delete, Get, Param, Post, Query, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { parseJson } from '../common/json-body';
import {
  CurrentUser,
  ParamFormats,
  RequireBlinded,
  RequireUser,
} from '../auth/route-auth.decorators';
import { clamp, pathId, queryInteger } from '../common/request-params';
import type { User } from '../users/user';
import type { SogsRequest } from '../common/request-context';
import { DmsService } from './dms.service';

const DEFAULT_LIMIT = 100;
const clampLimit = (query: Record<string, unknown>) =>
  clamp(queryInteger(query, 'limit') ?? DEFAULT_LIMIT, 1, 256);

@Controller()
export class DmsController {
  constructor(private readonly dms: DmsService) {}

  /** `GET /inbox` and `GET /outbox`: the caller's DMs, oldest first; `limit` 1–256 (100). */
  @Get(['inbox', 'outbox'])
  @RequireBlinded()
  list(
    @CurrentUser() user: User,
    @Query() query: Record<string, unknown>,
    @Res() reply: FastifyReply,
  ) {
    return this.send(reply, this.dms.list(sideOf(reply), user, 0, clampLimit(query)), false);
  }

  /** `GET /inbox/since/:id` and `/outbox/since/:id`: newer DMs; 304 with no body when none. */
  @Get(['inbox/since/:id', 'outbox/since/:id'])
  @RequireBlinded()
  @ParamFormats({ id: 'int' })
  since(
    @CurrentUser() user: User,
    @Param('id') id: string,
    @Query() query: Record<string, unknown>,
    @Res() reply: FastifyReply,
  ) {
    // No DM id reaches past 2^53: nothing is newer than such an id.
    const after = pathId(id) ?? Number.MAX_SAFE_INTEGER;
    return this.send(reply, this.newer(reply, user, after, clampLimit(query)), true);
  }

  /** DMs past `after`; none without a query when a poll's snapshot shows nothing newer. */
  private async newer(reply: FastifyReply, user: User, after: number, limit: number) {
    const side = sideOf(reply);
    const highs = await (reply.request as SogsRequest).sogs.memo?.dmHighs();
    if (highs && after >= highs[side]) return [];
    return this.dms.list(side, user, after, limit);
  }

  /**
   * `POST /inbox/:blinded_sid` `{"message": base64}`: 201 with the DM (without `message`); 400
   * bad body; 401 anonymous; 404 unknown or banned recipient; 413 too large; 429 rate limited.
   */
  @Post('inbox/:sid')
  @RequireUser()
  @ParamFormats({ sid: 'blinded_sid' })
  post(@CurrentUser() user: User, @Param('sid') sid: string, @Req() req: FastifyRequest) {
    // The body is parsed only after the recipient check, so 404 wins over 400 (as PySOGS).
    return this.dms.send(user, sid, () => parseJson(req.body));
  }

  /** `DELETE /inbox`: deletes every DM the caller received. 200 `{"deleted": n}`. */
  @Delete('inbox')
  @RequireBlinded()
  async clear(@CurrentUser() user: User) {
    return { deleted: await this.dms.clearInbox(user) };
  }

  private async send(reply: FastifyReply, rows: Promise<unknown[]>, notModifiedWhenEmpty: boolean) {
    const list = await rows;
    if (notModifiedWhenEmpty && list.length === 0) return reply.code(304).send();
    return reply.code(200).send(list);
  }
}

/** Which box a request is for, from its path. */
function sideOf(reply: FastifyReply): 'inbox' | 'outbox' {
  return reply.request.url.startsWith('/outbox') ? 'outbox' : 'inbox';
}
