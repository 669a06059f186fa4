/**
 * The load generator, in its own process (fork()ed by run.mjs) so that its CPU never counts against
 * the target. Jobs arrive as IPC messages, one at a time; each answers with { id, result } or
 * { id, error }.
 *
 *   { kind: 'autocannon', url, method, headers, body, connections, duration }
 *       closed-loop load from autocannon; latency is whole-response time in ms (integer resolution).
 *   { kind: 'sequential', origin, path, method, headers, body, samples, warmup }
 *       one keep-alive connection, one request at a time, timed with performance.now() (µs
 *       resolution): time to the first body byte and to the end of the response, per sample.
 *   { kind: 'hold-open', origin, path, method, headers, body, count, settleMs, maxWaitMs }
 *       opens `count` concurrent streaming requests (one connection each) and answers once every one
 *       has delivered its first body byte, or when no progress was made for settleMs. The streams stay
 *       open until { kind: 'hold-finish', maxWaitMs } (the parent releases the mock first), which
 *       answers once they all ended.
 */
import autocannon from 'autocannon';
import { Client, Pool } from 'undici';

let holding = null;

process.on('message', async (msg) => {
  try {
    const result = await handle(msg);
    process.send({ id: msg.id, result });
  } catch (error) {
    process.send({ id: msg.id, error: error?.stack ?? String(error) });
  }
});
process.on('disconnect', () => process.exit(0));

async function handle(msg) {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let result;
  switch (msg.kind) {
    case 'autocannon':
      result = await runAutocannon(msg);
      break;
    case 'sequential':
      result = await runSequential(msg);
      break;
    case 'hold-open':
      result = await holdOpen(msg);
      break;
    case 'hold-finish':
      result = await holdFinish(msg);
      break;
    default:
      throw new Error(`unknown job ${msg.kind}`);
  }
  const cpu = process.cpuUsage(cpu0);
  result.loadgenCpuPct = ((cpu.user + cpu.system) / 1000 / (performance.now() - t0)) * 100;
  return result;
}

function runAutocannon(job) {
  return new Promise((resolve, reject) => {
    autocannon(
      {
        url: job.url,
        method: job.method ?? 'POST',
        headers: job.headers,
        body: job.body,
        connections: job.connections,
        duration: job.duration,
        timeout: job.timeout ?? 30,
        pipelining: 1,
      },
      (err, r) => {
        if (err) return reject(err);
        resolve({
          completed: r['2xx'] + r.non2xx,
          ok: r['2xx'],
          non2xx: r.non2xx,
          errors: r.errors,
          timeouts: r.timeouts,
          statusCodes: Object.fromEntries(Object.entries(r.statusCodeStats ?? {}).map(([k, v]) => [k, v.count])),
          rps: r.requests.average,
          durationSec: r.duration,
          latency: { p50: r.latency.p50, p90: r.latency.p90, p99: r.latency.p99, mean: r.latency.mean, max: r.latency.max },
        });
      },
    );
  });
}

function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}

function summary(values) {
  const sorted = Float64Array.from(values).sort();
  const mean = values.reduce((a, b) => a + b, 0) / (values.length || 1);
  return { n: values.length, p50: percentile(sorted, 50), p90: percentile(sorted, 90), p99: percentile(sorted, 99), mean, max: sorted[sorted.length - 1] };
}

async function runSequential(job) {
  const client = new Client(job.origin, { pipelining: 1, keepAliveTimeout: 60_000, headersTimeout: 30_000, bodyTimeout: 30_000 });
  const options = { path: job.path, method: job.method ?? 'POST', headers: job.headers, body: job.body };
  const once = async () => {
    const start = performance.now();
    const { statusCode, headers, body } = await client.request(options);
    const selfReported = headers['x-cligate-overhead-ms'];
    let first = 0;
    let bytes = 0;
    for await (const chunk of body) {
      if (first === 0) first = performance.now();
      bytes += chunk.length;
    }
    const end = performance.now();
    return { statusCode, ttfb: (first || end) - start, total: end - start, bytes, overhead: selfReported === undefined ? undefined : Number(selfReported) };
  };
  try {
    for (let i = 0; i < (job.warmup ?? 0); i++) await once();
    const ttfb = [];
    const total = [];
    const overhead = [];
    let non2xx = 0;
    const t0 = performance.now();
    for (let i = 0; i < job.samples; i++) {
      const r = await once();
      if (r.statusCode < 200 || r.statusCode >= 300) non2xx++;
      ttfb.push(r.ttfb);
      total.push(r.total);
      if (r.overhead !== undefined && Number.isFinite(r.overhead)) overhead.push(r.overhead);
    }
    const elapsed = (performance.now() - t0) / 1000;
    return { completed: job.samples, ok: job.samples - non2xx, non2xx, errors: 0, timeouts: 0, rps: job.samples / elapsed, durationSec: elapsed, ttfb: summary(ttfb), latency: summary(total), selfReportedOverhead: overhead.length ? summary(overhead) : null };
  } finally {
    await client.close();
  }
}

async function holdOpen(job) {
  if (holding) throw new Error('streams are already held');
  const pool = new Pool(job.origin, { connections: job.count + 10, pipelining: 1, headersTimeout: 0, bodyTimeout: 0, keepAliveTimeout: 1_000 });
  const state = { pool, firstBytes: 0, ended: 0, errors: 0, statuses: {}, done: [] };
  holding = state;
  const options = { path: job.path, method: job.method ?? 'POST', headers: job.headers, body: job.body };
  for (let i = 0; i < job.count; i++) {
    state.done.push(
      (async () => {
        try {
          const { statusCode, body } = await pool.request(options);
          state.statuses[statusCode] = (state.statuses[statusCode] ?? 0) + 1;
          let first = true;
          for await (const _chunk of body) {
            if (first) {
              first = false;
              state.firstBytes++;
            }
          }
          state.ended++;
        } catch (error) {
          state.errors++;
          state.lastError = error?.message;
        }
      })(),
    );
  }
  const settleMs = job.settleMs ?? 3_000;
  const deadline = performance.now() + (job.maxWaitMs ?? 20_000);
  let last = -1;
  let lastChange = performance.now();
  while (state.firstBytes + state.errors < job.count && performance.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    const progress = state.firstBytes + state.errors;
    if (progress !== last) {
      last = progress;
      lastChange = performance.now();
    } else if (performance.now() - lastChange > settleMs) break;
  }
  return { open: state.firstBytes - state.ended, firstBytes: state.firstBytes, errors: state.errors, statuses: { ...state.statuses } };
}

async function holdFinish(job) {
  const state = holding;
  if (!state) throw new Error('no held streams');
  const all = Promise.all(state.done);
  const timeout = new Promise((r) => setTimeout(r, job.maxWaitMs ?? 60_000, 'timeout'));
  const how = await Promise.race([all.then(() => 'ended'), timeout]);
  await state.pool.destroy().catch(() => {});
  holding = null;
  return { how, ended: state.ended, errors: state.errors, lastError: state.lastError, statuses: { ...state.statuses } };
}
