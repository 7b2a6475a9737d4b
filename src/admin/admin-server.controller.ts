import { Controller, Get, Query, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { scrapeMetrics } from '../metrics/scrape';
import { AdminReportsService } from './admin-reports.service';
import { AdminPublic } from './admin-token.guard';
import { AuditQueryDto } from './dto/audit-query.dto';
import { ADMIN_OPENAPI } from './openapi';

/** Server-wide views: statistics, the audit log, and this API's description. */
@Controller()
export class AdminServerController {
  constructor(private readonly reports: AdminReportsService) {}

  /** `GET /stats`: counts of rooms, users, live messages, files and bytes, active users. 200. */
  @Get('stats')
  stats() {
    return this.reports.stats();
  }

  /**
   * `GET /audit?limit=&before=`: moderation log entries, newest first; `limit` 1–500 (default
   * 100), `before` an entry id for the next page. 200; 400 bad query.
   */
  @Get('audit')
  audit(@Query() query: AuditQueryDto) {
    return this.reports.audit(query);
  }

  /**
   * `GET /metrics`: Prometheus metrics (requests by route and transport, onion and auth
   * failures, active users, database pool, stored bytes); every worker's in cluster mode. 200.
   */
  @Get('metrics')
  async metrics(@Res() reply: FastifyReply) {
    const { contentType, text } = await scrapeMetrics();
    return reply.code(200).header('content-type', contentType).send(text);
  }

  /** `GET /openapi.json`: the OpenAPI 3.1 document of this API; needs no token. 200. */
  @Get('openapi.json')
  @AdminPublic()
  openapi() {
    return ADMIN_OPENAPI;
  }
}
