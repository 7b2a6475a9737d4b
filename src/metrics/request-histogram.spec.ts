import { Histogram, Registry } from 'prom-client';
import { RequestHistogram } from './request-histogram';

describe('RequestHistogram', () => {
  it("exports exactly what prom-client's own Histogram exports for the same observations", async () => {
    const buckets = [0.001, 0.01, 0.1, 1];
    const config = { name: 'req_seconds', help: 'requests', buckets };
    const ours = new RequestHistogram({ ...config, registers: [] } as never);
    const theirs = new Histogram({
      ...config,
      labelNames: ['route', 'method', 'status', 'transport'] as const,
      registers: [],
    });
    const routes = ['/capabilities', '/room/:token/pollInfo/:info', '/batch'];
    for (let i = 0; i < 500; i++) {
      const labels = {
        route: routes[i % 3],
        method: i % 5 ? 'GET' : 'POST',
        status: String([200, 304, 404][(i % 7) % 3]),
        transport: i % 2 ? 'batch' : 'onion',
      };
      const seconds = [0.0004, 0.001, 0.005, 0.05, 0.5, 3][i % 6] * (1 + (i % 11) / 100);
      ours.record(labels.route, labels.method, Number(labels.status), labels.transport, seconds);
      theirs.observe(labels, seconds);
    }
    const text = async (h: Histogram<string>) => {
      const r = new Registry();
      r.registerMetric(h);
      return (await r.metrics()).split('\n').sort();
    };
    expect(await text(ours)).toEqual(await text(theirs));
    expect((await ours.get()).values).toEqual(
      expect.arrayContaining((await theirs.get()).values.map((v) => expect.objectContaining(v))),
    );
  });
});
