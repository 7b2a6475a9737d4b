import cluster from 'node:cluster';
import { AggregatorRegistry, register } from 'prom-client';

const aggregator = new AggregatorRegistry();

/**
 * The Prometheus text of this server: the process's own metrics, or, in the primary of a
 * cluster, every worker's aggregated (counters summed, database gauges taken once).
 */
export async function scrapeMetrics(): Promise<{ contentType: string; text: string }> {
  const workers = cluster.isPrimary ? Object.keys(cluster.workers ?? {}).length : 0;
  const text = workers > 0 ? await aggregator.clusterMetrics() : await register.metrics();
  return { contentType: register.contentType, text };
}
