import { Counter, Gauge } from 'prom-client';
import { RequestHistogram } from './request-histogram';

/**
 * The server's Prometheus metrics (default registry). Labels never carry anything about a
 * person: routes are patterns (`/room/:token/…`), reasons are error codes.
 */
const requestDuration = new RequestHistogram({
  name: 'tsogs_request_duration_seconds',
  help: 'Requests by route pattern, method, status and transport (direct, onion, batch)',
  buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
});

/** Records one request in `tsogs_request_duration_seconds`. */
export function observeRequest(
  route: string,
  method: string,
  status: number,
  transport: string,
  seconds: number,
): void {
  requestDuration.record(route, method, status, transport, seconds);
}

export const onionFailures = new Counter({
  name: 'tsogs_onion_decrypt_failures_total',
  help: 'Onion requests that could not be opened (framing, key or authentication)',
});

export const authFailures = new Counter({
  name: 'tsogs_auth_failures_total',
  help: 'Refused X-SOGS authentications by reason',
  labelNames: ['reason'] as const,
});

export const requestsShed = new Counter({
  name: 'tsogs_requests_shed_total',
  help: 'Requests refused with 503 because the process had TSOGS_MAX_IN_FLIGHT in progress',
});

/** Where the gauges read their values at scrape time; set by MetricsService. */
export const gaugeSources: {
  activeUsers?: () => Promise<number>;
  fileBytes?: () => Promise<number>;
  dbPool?: () => { total: number; idle: number; waiting: number };
} = {};

/** Figures read from the database when scraped; the same in every process, so not summed. */
new Gauge({
  name: 'tsogs_active_users',
  help: 'Users active in any room within the active threshold (sum over rooms)',
  aggregator: 'first',
  async collect() {
    if (gaugeSources.activeUsers) this.set(await gaugeSources.activeUsers());
  },
});

new Gauge({
  name: 'tsogs_file_storage_bytes',
  help: 'Bytes of stored uploads',
  aggregator: 'first',
  async collect() {
    if (gaugeSources.fileBytes) this.set(await gaugeSources.fileBytes());
  },
});

new Gauge({
  name: 'tsogs_db_pool_connections',
  help: 'Database pool connections of the process, by state',
  labelNames: ['state'] as const,
  collect() {
    const pool = gaugeSources.dbPool?.();
    if (!pool) return;
    this.set({ state: 'total' }, pool.total);
    this.set({ state: 'idle' }, pool.idle);
    this.set({ state: 'waiting' }, pool.waiting);
  },
});
