import { Injectable } from '@nestjs/common';
import { Clock } from '../common/clock';
import { AdminActor } from './admin-actor.service';
import { AdminReportsRepository } from './admin-reports.repository';
import type { AuditQueryDto } from './dto/audit-query.dto';

const DEFAULT_LIMIT = 100;

/** Server statistics and the moderation audit log. */
@Injectable()
export class AdminReportsService {
  constructor(
    private readonly reports: AdminReportsRepository,
    private readonly actor: AdminActor,
    private readonly clock: Clock,
  ) {}

  async stats() {
    const c = await this.reports.counts(this.clock.now(), this.actor.systemSessionId);
    return {
      rooms: c.rooms,
      users: c.users,
      messages: c.messages,
      files: c.files,
      file_bytes: c.file_bytes,
      active_users: { day: c.active_day, week: c.active_week, month: c.active_month },
    };
  }

  /** The system user (admin API and CLI actions) shows as the actor `"system"`. */
  async audit(query: AuditQueryDto) {
    const rows = await this.reports.audit(query.limit ?? DEFAULT_LIMIT, query.before ?? null);
    const system = this.actor.systemSessionId;
    return rows.map((r) => ({ ...r, actor: r.actor === system ? 'system' : r.actor }));
  }
}
