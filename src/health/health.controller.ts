import { Controller, Get, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { Public } from '../auth/route-auth.decorators';
import { HealthRepository } from './health.repository';

@Controller()
export class HealthController {
  constructor(private readonly health: HealthRepository) {}

  /** `GET /healthz`: the process is up. 200 `{"status":"ok"}`. */
  @Get('healthz')
  @Public()
  live() {
    return { status: 'ok' };
  }

  /** `GET /readyz`: 200 when the database answers and every migration is applied, else 503. */
  @Get('readyz')
  @Public()
  async ready(@Res() reply: FastifyReply) {
    const ready = await this.health.ready().catch(() => false);
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'unavailable' });
  }
}
