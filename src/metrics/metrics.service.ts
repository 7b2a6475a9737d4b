import { Injectable, type OnModuleInit } from '@nestjs/common';
import { Database } from '../db/database';
import { MetricsRepository } from './metrics.repository';
import { gaugeSources } from './metrics';

/** Points the database-derived gauges at this process's database. */
@Injectable()
export class MetricsService implements OnModuleInit {
  constructor(
    private readonly repo: MetricsRepository,
    private readonly db: Database,
  ) {}

  onModuleInit(): void {
    gaugeSources.activeUsers = () => this.repo.activeUsers();
    gaugeSources.fileBytes = () => this.repo.fileBytes();
    gaugeSources.dbPool = () => this.db.poolStats();
  }
}
