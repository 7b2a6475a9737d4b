import { Controller, Get, Param, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { Public } from '../auth/route-auth.decorators';
import { CONTENT_SECURITY_POLICY, errorPage, indexPage, roomPage } from './templates';
import { WebService } from './web.service';

/** Headers of every web page: strict CSP (no script at all), no sniffing, framing or referrer. */
function sendHtml(reply: FastifyReply, status: number, body: string) {
  return reply
    .code(status)
    .header('content-type', 'text/html; charset=utf-8')
    .header('content-security-policy', CONTENT_SECURITY_POLICY)
    .header('x-content-type-options', 'nosniff')
    .header('x-frame-options', 'DENY')
    .header('referrer-policy', 'no-referrer')
    .header('cache-control', 'no-cache')
    .send(body);
}

const NOT_FOUND = ['Not found', 'There is no such room on this server.'] as const;
const NOT_PUBLIC = ['Not a public room', 'This room cannot be read without joining it.'] as const;

/** The public web pages (api.md §9), reachable over plain HTTP even on an onion-only server. */
@Controller()
export class WebController {
  constructor(private readonly web: WebService) {}

  /** `GET /`: the publicly readable rooms; 403 when `http_show_index` is off. */
  @Get()
  @Public()
  async index(@Res() reply: FastifyReply) {
    if (!this.web.showIndex) {
      return sendHtml(
        reply,
        403,
        errorPage('Room list disabled', 'This server does not publish its list of rooms.'),
      );
    }
    const rooms = await Promise.all((await this.web.publicRooms()).map((r) => this.web.summary(r)));
    return sendHtml(reply, 200, indexPage(rooms, this.web.activeDays));
  }

  /** `GET /r/:room` redirects to the room page at `/r/:room/`, as the reference does. */
  @Get('r/:room')
  @Public()
  redirect(@Param('room') token: string, @Res() reply: FastifyReply) {
    if (!this.web.isToken(token)) return sendHtml(reply, 404, errorPage(...NOT_FOUND));
    // Relative, so it also works behind a proxy that serves the server under a sub-path.
    return reply.code(308).header('location', `${token}/`).send();
  }

  /**
   * `GET /r/:room/`: join URL, QR code and (with `http_show_recent`) recent messages. (A
   * wildcard route, since Nest drops a route's trailing slash; anything after it is a 404.)
   */
  @Get('r/:room/*')
  @Public()
  async room(@Param('room') token: string, @Param('*') rest: string, @Res() reply: FastifyReply) {
    const found = rest === '' ? await this.web.find(token) : ({ kind: 'missing' } as const);
    if (found.kind === 'missing') return sendHtml(reply, 404, errorPage(...NOT_FOUND));
    if (found.kind === 'forbidden') return sendHtml(reply, 403, errorPage(...NOT_PUBLIC));
    const recent = this.web.showRecent ? await this.web.recent(found.room) : null;
    const summary = await this.web.summary(found.room);
    return sendHtml(reply, 200, roomPage(summary, this.web.activeDays, recent));
  }

  /** `GET /r/:room/invite.png`: 512×512 PNG QR code of the room's join URL. */
  @Get('r/:room/invite.png')
  @Public()
  async invite(@Param('room') token: string, @Res() reply: FastifyReply) {
    const found = await this.web.find(token);
    if (found.kind === 'missing') return sendHtml(reply, 404, errorPage(...NOT_FOUND));
    if (found.kind === 'forbidden') return sendHtml(reply, 403, errorPage(...NOT_PUBLIC));
    return reply
      .code(200)
      .header('content-type', 'image/png')
      .header('x-content-type-options', 'nosniff')
      .header('cache-control', 'public, max-age=3600')
      .send(this.web.invitePng(found.room));
  }
}
