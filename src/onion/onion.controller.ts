import { Controller, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ServerKeys } from '../config/server-keys';
import { Public } from '../auth/route-auth.decorators';
import { TEXT_PLAIN } from '../common/error-response';
import { openEnvelope } from './onion-envelope';
import { OnionService } from './onion.service';
import { onionFailures } from '../metrics/metrics';

const UNDECRYPTABLE = 'Invalid onion request';

function rawBody(req: FastifyRequest): Buffer {
  return Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
}

/** A plain 400: there is no key to encrypt an error with (onion.md §8). */
function undecryptable(reply: FastifyReply) {
  onionFailures.inc();
  return reply.code(400).header('content-type', TEXT_PLAIN).send(UNDECRYPTABLE);
}

@Controller()
export class OnionController {
  constructor(
    private readonly onion: OnionService,
    private readonly keys: ServerKeys,
  ) {}

  /**
   * `POST /oxen/v4/lsrpc`: decrypts, runs the inner request, answers 200 with the encrypted
   * bencoded reply as raw bytes; 400 (plain) when the envelope cannot be decrypted.
   */
  @Post('oxen/v4/lsrpc')
  @Public()
  async v4(@Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    const envelope = openEnvelope(rawBody(req), this.keys);
    if (!envelope) return undecryptable(reply);
    const plaintext = await this.onion.handleV4(envelope.plaintext);
    return reply
      .code(200)
      .header('content-type', 'application/octet-stream')
      .send(envelope.seal(plaintext));
  }

  /** `POST /loki/v3/lsrpc` (and `/oxen/v3/lsrpc`): as v4 with JSON inside; base64 reply body. */
  @Post(['loki/v3/lsrpc', 'oxen/v3/lsrpc'])
  @Public()
  async v3(@Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    const envelope = openEnvelope(rawBody(req), this.keys);
    if (!envelope) return undecryptable(reply);
    const plaintext = await this.onion.handleV3(envelope.plaintext);
    return reply
      .code(200)
      .header('content-type', TEXT_PLAIN)
      .send(envelope.seal(plaintext).toString('base64'));
  }
}
