import { Controller, Get, HttpStatus, Inject, Query, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { APP_CONFIG } from '../config/config.tokens';
import type { AppConfig } from '../config/app-config';
import { Public } from '../auth/route-auth.decorators';

@Controller()
export class CapabilitiesController {
  private readonly capabilities: string[];

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.capabilities = [...(config.users.requireBlindKeys ? ['blind'] : []), 'reactions', 'sogs'];
  }

  /**
   * `GET /capabilities[?required=a,b]`: the sorted capability list; 412 with `missing` (in
   * request order, repeats kept) when a required one is unsupported.
   */
  @Get('capabilities')
  @Public()
  get(@Query('required') required: string | string[] | undefined, @Res() reply: FastifyReply) {
    const body: Record<string, unknown> = { capabilities: this.capabilities };
    if (required !== undefined) {
      const wanted = (Array.isArray(required) ? required.join(',') : required).split(',');
      const missing = wanted.filter((c) => !this.capabilities.includes(c));
      if (missing.length) {
        body.missing = missing;
        return reply.code(HttpStatus.PRECONDITION_FAILED).send(body);
      }
    }
    return reply.send(body);
  }
}
