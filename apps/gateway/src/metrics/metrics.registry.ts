/**
 * A small Prometheus registry (text exposition format 0.0.4): counters and histograms with fixed
 * label sets, and gauges computed at scrape time. Label values are bounded by the callers (protocol,
 * status class, error class…), never raw client input, so a client cannot blow up cardinality.
 */
type Labels = Record<string, string>;

function labelKey(labels: Labels): string {
  const keys = Object.keys(labels).sort();
  return keys.map((k) => `${k}="${String(labels[k]).replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`).join(',');
}

export class Counter {
  private readonly values = new Map<string, number>();
  constructor(
    readonly name: string,
    readonly help: string,
  ) {}

  inc(labels: Labels = {}, by = 1): void {
    const key = labelKey(labels);
    this.values.set(key, (this.values.get(key) ?? 0) + by);
  }

  render(): string {
    let out = `# HELP ${this.name} ${this.help}\n# TYPE ${this.name} counter\n`;
    for (const [key, value] of this.values) out += `${this.name}${key ? `{${key}}` : ''} ${value}\n`;
    return out;
  }
}

export class Histogram {
  private readonly series = new Map<string, { counts: number[]; sum: number; count: number }>();
  constructor(
    readonly name: string,
    readonly help: string,
    readonly buckets: readonly number[],
  ) {}

  observe(labels: Labels, value: number): void {
    const key = labelKey(labels);
    let s = this.series.get(key);
    if (!s) {
      s = { counts: new Array(this.buckets.length).fill(0), sum: 0, count: 0 };
      this.series.set(key, s);
    }
    for (let i = 0; i < this.buckets.length; i++) if (value <= this.buckets[i]!) s.counts[i]! += 1;
    s.sum += value;
    s.count += 1;
  }

  render(): string {
    let out = `# HELP ${this.name} ${this.help}\n# TYPE ${this.name} histogram\n`;
    for (const [key, s] of this.series) {
      const sep = key ? `${key},` : '';
      this.buckets.forEach((b, i) => (out += `${this.name}_bucket{${sep}le="${b}"} ${s.counts[i]}\n`));
      out += `${this.name}_bucket{${sep}le="+Inf"} ${s.count}\n`;
      out += `${this.name}_sum${key ? `{${key}}` : ''} ${s.sum}\n${this.name}_count${key ? `{${key}}` : ''} ${s.count}\n`;
    }
    return out;
  }
}

export class Gauge {
  constructor(
    readonly name: string,
    readonly help: string,
    private readonly collect: () => Promise<Array<{ labels: Labels; value: number }>>,
  ) {}

  async render(): Promise<string> {
    let out = `# HELP ${this.name} ${this.help}\n# TYPE ${this.name} gauge\n`;
    for (const { labels, value } of await this.collect()) {
      const key = labelKey(labels);
      out += `${this.name}${key ? `{${key}}` : ''} ${value}\n`;
    }
    return out;
  }
}

const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];
const OVERHEAD_BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1];

/** Every metric the gateway exports. */
export class GatewayMetrics {
  readonly requests = new Counter('cligate_requests_total', 'Client requests by protocol and status.');
  readonly latency = new Histogram('cligate_request_duration_seconds', 'Client request duration (to the last byte).', LATENCY_BUCKETS);
  readonly overhead = new Histogram('cligate_gateway_overhead_seconds', 'Time spent inside the gateway (excluding the upstream).', OVERHEAD_BUCKETS);
  readonly upstreamErrors = new Counter('cligate_upstream_errors_total', 'Failed upstream calls by failure class.');
  readonly quotaRejections = new Counter('cligate_quota_rejections_total', 'Requests refused by the key checks, by reason.');
  private readonly gauges: Gauge[] = [
    new Gauge('cligate_process_memory_bytes', 'Memory of this gateway process (rss, heap_total, heap_used, external, array_buffers).', async () => {
      const m = process.memoryUsage();
      return [
        { labels: { kind: 'rss' }, value: m.rss },
        { labels: { kind: 'heap_total' }, value: m.heapTotal },
        { labels: { kind: 'heap_used' }, value: m.heapUsed },
        { labels: { kind: 'external' }, value: m.external },
        { labels: { kind: 'array_buffers' }, value: m.arrayBuffers },
      ];
    }),
  ];

  addGauge(gauge: Gauge): void {
    this.gauges.push(gauge);
  }

  async render(): Promise<string> {
    const parts = [this.requests.render(), this.latency.render(), this.overhead.render(), this.upstreamErrors.render(), this.quotaRejections.render()];
    for (const g of this.gauges) parts.push(await g.render().catch(() => ''));
    return parts.join('');
  }
}
