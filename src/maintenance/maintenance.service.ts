import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { APP_CONFIG } from '../config/config.tokens';
import type { AppConfig } from '../config/app-config';
import { Clock } from '../common/clock';
import { Database } from '../db/database';
import { MaintenanceRepository } from './maintenance.repository';
import { FilesService } from '../files/files.service';
import { FuturesRepository } from '../moderation/futures.repository';

const INTERVAL_MS = 10_000;
// One pass at a time across every process sharing the database.
const JOB_LOCK = 7_305_514_312;

/**
 * The periodic job of model.md §12. Every server process runs the timer; an advisory lock lets
 * one of them do each pass, so many processes cost no more than one.
 */
@Injectable()
export class MaintenanceService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Maintenance');
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;

  constructor(
    private readonly db: Database,
    private readonly repo: MaintenanceRepository,
    private readonly files: FilesService,
    private readonly futures: FuturesRepository,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.tick(), INTERVAL_MS);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  private async tick(): Promise<void> {
    if (this.running) return;
    this.running = this.runOnce()
      .catch((err: unknown) => this.logger.error(`periodic job failed: ${(err as Error).message}`))
      .finally(() => (this.running = undefined));
  }

  /** One pass of every step; returns without work when another process holds the lock. */
  async runOnce(): Promise<void> {
    const now = this.clock.now();
    await this.db.transaction(async (tx) => {
      const [lock] = await tx.query<{ ok: boolean }>('SELECT pg_try_advisory_xact_lock($1) AS ok', [
        JOB_LOCK,
      ]);
      if (!lock.ok) return;
      await this.repo.pruneNonces(tx, now);
      await this.repo.pruneDms(tx, now);
      await this.repo.pruneActivity(tx, now - this.config.rooms.activePruneThreshold);
      await this.repo.refreshActiveUsers(tx, now - this.config.rooms.activeThreshold);
      await this.futures.applyDue(tx, now);
    });
    await this.files.removeExpired();
  }
}
