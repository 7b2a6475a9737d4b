import { Controller, Get, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import {
  CurrentRoom,
  CurrentUser,
  ParamFormats,
  Public,
  RequireUser,
  RoomAccess,
} from '../auth/route-auth.decorators';
import type { Room } from '../rooms/room';
import type { User } from '../users/user';
import { downloadDisposition, uploadFilename } from './content-disposition';
import { FilesService } from './files.service';
import { pathId } from '../common/request-params';

/** The last `Content-Disposition` header of a request (several may be sent; the last wins). */
function lastDisposition(req: FastifyRequest): string | undefined {
  const raw = req.raw.rawHeaders;
  let value: string | undefined;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    if (raw[i].toLowerCase() === 'content-disposition') value = raw[i + 1];
  }
  return value;
}

const httpDate = (seconds: number) => new Date(seconds * 1000).toUTCString();

@Controller()
export class FilesController {
  constructor(private readonly files: FilesService) {}

  /**
   * `POST /room/:token/file`: the raw body is the file; its name comes from
   * `Content-Disposition`. 201 `{"id"}`; 401 anonymous; 403 without write and upload; 413 over
   * the size limit; 507 when the server cannot store it.
   */
  @Post('room/:token/file')
  @RequireUser()
  @RoomAccess('upload')
  @HttpCode(201)
  async upload(@CurrentRoom() room: Room, @CurrentUser() user: User, @Req() req: FastifyRequest) {
    const data = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const id = await this.files.upload(room, user, data, uploadFilename(lastDisposition(req)));
    return { id };
  }

  /**
   * `GET /room/:token/file/:id[/:filename]`: the bytes as `application/octet-stream`, with
   * `Content-Disposition`, `Date` (upload time) and `Expires` (when it expires). 403 without
   * read; 404 when missing, expired or of another room. The trailing name is ignored.
   */
  @Get(['room/:token/file/:id', 'room/:token/file/:id/:filename'])
  @Public()
  @RoomAccess('read')
  @ParamFormats({ id: 'int' })
  async download(@CurrentRoom() room: Room, @Param('id') id: string, @Res() reply: FastifyReply) {
    const { file, data } = await this.files.download(room, pathId(id));
    reply
      .code(200)
      .header('content-type', 'application/octet-stream')
      .header('content-disposition', downloadDisposition(file.filename))
      .header('date', httpDate(file.uploaded));
    if (file.expiry !== null) reply.header('expires', httpDate(file.expiry));
    return reply.send(data);
  }
}
