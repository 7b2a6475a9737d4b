import { Injectable } from '@nestjs/common';
import { Database } from '../db/database';

/** Aggregates behind the metrics gauges. */
@Injectable()
export class MetricsRepository {
  constructor(private readonly db: Database) {}

  async activeUsers(): Promise<number> {
    const [row] = await this.db.query<{ n: number }>(
      'SELECT COALESCE(sum(active_users), 0)::bigint AS n FROM rooms',
    );
    return row.n;
  }

  async fileBytes(): Promise<number> {
    const [row] = await this.db.query<{ n: number }>(
      'SELECT COALESCE(sum(size), 0)::bigint AS n FROM files',
    );
    return row.n;
  }
}
