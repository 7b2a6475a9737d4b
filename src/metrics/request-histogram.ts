import { Histogram } from 'prom-client';

export type RequestLabel = 'route' | 'method' | 'status' | 'transport';

/** One label set's state, in the shape prom-client's Histogram exports. */
interface Series {
  labels: Record<RequestLabel, string>;
  bucketValues: Record<number, number>;
  sum: number;
  count: number;
}

/**
 * prom-client's Histogram with a cheaper `observe` for the request metric: a poll records ten
 * sub-requests, and the library validates and hashes the labels on every observation. Here a
 * label set's series is found by a plain key and counted in place; prom-client still exports it
 * (its series live in `hashMap`, whatever their key). request-histogram.spec.ts holds the export
 * to the library's own.
 */
export class RequestHistogram extends Histogram<RequestLabel> {
  private readonly bounds: number[];

  constructor(config: { name: string; help: string; buckets: number[] }) {
    super({ ...config, labelNames: ['route', 'method', 'status', 'transport'] });
    this.bounds = [...config.buckets];
  }

  record(labels: Record<RequestLabel, string>, seconds: number): void {
    const key = `${labels.route}\n${labels.method}\n${labels.status}\n${labels.transport}`;
    const map = (this as unknown as { hashMap: Record<string, Series> }).hashMap;
    let series = map[key];
    if (!series) {
      const bucketValues: Record<number, number> = {};
      for (const b of this.bounds) bucketValues[b] = 0;
      map[key] = series = { labels: { ...labels }, bucketValues, sum: 0, count: 0 };
    }
    series.sum += seconds;
    series.count += 1;
    for (const b of this.bounds) {
      if (seconds <= b) {
        series.bucketValues[b] += 1;
        break;
      }
    }
  }
}
