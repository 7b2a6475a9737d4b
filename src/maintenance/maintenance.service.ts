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
import { logUnexpected } from '../common/sogs-exception.filter';
import { Database, type Queryable } from '../db/database';
import { MaintenanceRepository } from './maintenance.repository';
import { FilesService } from '../files/files.service';
import { FuturesRepository } from '../moderation/futures.repository';

const INTERVAL_MS = 10_000;
// One run of a step at a time across every process sharing the database.
const JOB_LOCK = 7_305_514_312;

/**
 * The periodic job of model.md §12. Every server process runs the timer; an advisory lock lets
 * one of them do each step, so many processes cost no more than one.
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
    this.running = this.runOnce().finally(() => (this.running = undefined));
  }

  /**
   * One pass of every step, in model.md's order. Each step is independent: it runs in its own
   * transaction, and one that fails is logged without holding back the others. A step another
   * process is running is skipped.
   */
  async runOnce(): Promise<void> {
    const now = this.clock.now();
    const { messages, rooms } = this.config;
    await this.step('files', async () => {
      await this.files.removeExpired();
    });
    const steps: [string, (tx: Queryable) => Promise<void>][] = [
      ['history', (tx) => this.repo.pruneHistory(tx, now - messages.historyPruneThreshold)],
      ['dms', (tx) => this.repo.pruneDms(tx, now)],
      [
        'activity',
        async (tx) => {
          await this.repo.pruneActivity(tx, now - rooms.activePruneThreshold);
          await this.repo.refreshActiveUsers(tx, now - rooms.activeThreshold);
        },
      ],
      ['scheduled changes', (tx) => this.futures.applyDue(tx, now)],
      ['nonces', (tx) => this.repo.pruneNonces(tx, now)],
    ];
    for (const [name, work] of steps) {
      await this.step(name, () =>
        this.db.transaction(async (tx) => {
          const [lock] = await tx.query<{ ok: boolean }>(
            'SELECT pg_try_advisory_xact_lock($1) AS ok',
            [JOB_LOCK],
          );
          if (lock.ok) await work(tx);
        }),
      );
    }
  }

  private async step(name: string, work: () => Promise<void>): Promise<void> {
    try {
      await work();
    } catch (err) {
      this.logger.error(`periodic job step "${name}" failed`);
      logUnexpected(this.logger, err);
    }
  }
}
