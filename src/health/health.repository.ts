import { Injectable } from '@nestjs/common';
import { Database } from '../db/database';
import { MIGRATIONS } from '../db/data-source';

/** Readiness: the database is reachable and fully migrated. */
@Injectable()
export class HealthRepository {
  constructor(private readonly db: Database) {}

  async ready(): Promise<boolean> {
    const [row] = await this.db.query<{ n: number }>('SELECT count(*)::int AS n FROM migrations');
    return row.n >= MIGRATIONS.length;
  }
}
