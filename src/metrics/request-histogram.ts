import { Histogram } from 'prom-client';

type RequestLabel = 'route' | 'method' | 'status' | 'transport';

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
 * label set's series is found through maps of its labels and counted in place; prom-client
 * still exports it (its series live in `hashMap`, whatever their key).
 * request-histogram.spec.ts holds the export to the library's own.
 */
export class RequestHistogram extends Histogram<RequestLabel> {
  private readonly bounds: number[];
  /** Series by route, method, transport and status: constant strings and a number as keys. */
  private readonly index = new Map<string, Map<string, Map<string, Map<number, Series>>>>();

  constructor(config: { name: string; help: string; buckets: number[] }) {
    super({ ...config, labelNames: ['route', 'method', 'status', 'transport'] });
    this.bounds = [...config.buckets];
  }

  record(route: string, method: string, status: number, transport: string, seconds: number) {
    const series = this.seriesOf(route, method, status, transport);
    series.sum += seconds;
    series.count += 1;
    for (const b of this.bounds) {
      if (seconds <= b) {
        series.bucketValues[b] += 1;
        break;
      }
    }
  }

  private seriesOf(route: string, method: string, status: number, transport: string): Series {
    let byMethod = this.index.get(route);
    if (!byMethod) this.index.set(route, (byMethod = new Map()));
    let byTransport = byMethod.get(method);
    if (!byTransport) byMethod.set(method, (byTransport = new Map()));
    let byStatus = byTransport.get(transport);
    if (!byStatus) byTransport.set(transport, (byStatus = new Map()));
    let series = byStatus.get(status);
    if (!series) {
      const bucketValues: Record<number, number> = {};
      for (const b of this.bounds) bucketValues[b] = 0;
      const labels = { route, method, status: String(status), transport };
      byStatus.set(status, (series = { labels, bucketValues, sum: 0, count: 0 }));
      // prom-client exports whatever `hashMap` holds; it never reads these keys back.
      const exported = (this as unknown as { hashMap: Record<string, Series> }).hashMap;
      exported[`${route}\n${method}\n${status}\n${transport}`] = series;
    }
    return series;
  }
}
