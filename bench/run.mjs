#!/usr/bin/env node
/**
 * `npm run bench`: cligate against a thin fastify + undici proxy and Portkey's gateway, all on loopback
 * mock upstreams, interleaved and repeated in one run. See bench/README.md.
 *
 * Options (also as BENCH_<NAME> environment variables):
 *   --rounds=2          measured rounds per scenario (targets run A,B,…,B,A across rounds)
 *   --duration=5        seconds per autocannon window
 *   --warmup=2          seconds of unmeasured load per target before a scenario's first round
 *   --seq-samples=1000  requests per round in the 1-connection latency scenario
 *   --ttfb-samples=300  streams per round in the time-to-first-byte scenario
 *   --hold=1000         streams held open in the memory scenario; --hold-repeats=3
 *   --targets=a,b       only these targets (names from the table below); --scenarios=ns1,s16,…
 *   --pg-synchronous-commit=off   run cligate-pg's database with that setting (a deployment-level
 *                       ablation: how much of the latency is the durable commit of the charge)
 *   --ablation          also run cligate-pg/openai with the admin password (no key check, quota or
 *                       awaited charge) and a second cligate-pg process logging at warn
 *   --skip-build        do not run the gateway build first
 *   --quick             1 round, 3 s windows, fewer samples (a smoke run, not for the results file)
 *   --out=path.md       where to write the report (default bench/results/<YYYY-MM-DD>.md)
 */
import { execFileSync, execSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { cpuMicros, loadAverage, machine, machineBusyMicros, rssMb } from './lib/procfs.mjs';
import * as S from './lib/stack.mjs';

// ------------------------------------------------------------------ options

const argv = Object.fromEntries(
  process.argv.slice(2).map((a) => {
    const m = /^--([^=]+)(?:=(.*))?$/.exec(a);
    if (!m) throw new Error(`unknown argument ${a}`);
    return [m[1], m[2] ?? 'true'];
  }),
);
const opt = (name, fallback) => argv[name] ?? process.env[`BENCH_${name.toUpperCase().replace(/-/g, '_')}`] ?? fallback;
const quick = opt('quick', 'false') === 'true';
const O = {
  rounds: Number(opt('rounds', quick ? 1 : 2)),
  duration: Number(opt('duration', quick ? 3 : 5)),
  warmup: Number(opt('warmup', quick ? 1 : 2)),
  seqSamples: Number(opt('seq-samples', quick ? 300 : 1000)),
  ttfbSamples: Number(opt('ttfb-samples', quick ? 100 : 300)),
  hold: Number(opt('hold', 1000)),
  holdRepeats: Number(opt('hold-repeats', quick ? 2 : 3)),
  targets: opt('targets', '') ? opt('targets', '').split(',') : null,
  ablation: opt('ablation', 'false') === 'true',
  pgSyncCommit: opt('pg-synchronous-commit', ''),
  scenarios: opt('scenarios', '') ? opt('scenarios', '').split(',') : null,
  skipBuild: opt('skip-build', 'false') === 'true',
  out: opt('out', ''),
};

const stamp = new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19);
const RAW_DIR = join(S.BENCH_DIR, 'results/raw', stamp);
const LOG_DIR = join(RAW_DIR, 'logs');

const log = (...a) => console.error('[bench]', ...a);

// ------------------------------------------------------------------ targets and scenarios

/**
 * name, what it is, how CPU is attributed, which direct upstream it is compared to.
 * `process` names the process whose CPU/RSS is the target's.
 */
const TARGETS = [
  { name: 'cligate-pg/openai', kind: 'cligate-openai', process: 'cgPg', protocol: 'openai', direct: 'direct-codeassist', cligate: true },
  { name: 'cligate-pg/gemini', kind: 'cligate-gemini', process: 'cgPg', protocol: 'gemini', direct: 'direct-codeassist', cligate: true },
  { name: 'cligate-emb/openai', kind: 'cligate-openai', process: 'cgEmb', protocol: 'openai', direct: 'direct-codeassist', cligate: true },
  { name: 'cligate-emb/gemini', kind: 'cligate-gemini', process: 'cgEmb', protocol: 'gemini', direct: 'direct-codeassist', cligate: true },
  { name: 'thin-proxy', kind: 'thin', process: 'thin', protocol: 'openai', direct: 'direct-openai' },
  { name: 'portkey', kind: 'portkey', process: 'portkey', protocol: 'openai', direct: 'direct-openai' },
  { name: 'direct-codeassist', kind: 'direct-codeassist', process: 'mock', protocol: 'gemini', isDirect: true },
  // ablations (--ablation): what the key check + quota + durable charge, and the request log, cost
  { name: 'cligate-pg/openai admin-key', kind: 'cligate-openai', process: 'cgPg', admin: true, protocol: 'openai', direct: 'direct-codeassist', ablation: true, only: ['ns1', 'ttfb1', 'ns16', 's16', 's256'] },
  { name: 'cligate-pg/openai log=warn', kind: 'cligate-openai', process: 'cgPgQuiet', protocol: 'openai', direct: 'direct-codeassist', ablation: true, only: ['ns1', 'ttfb1', 'ns16', 's16'] },
  { name: 'direct-openai', kind: 'direct-openai', process: 'mock', protocol: 'openai', isDirect: true },
];

const SCENARIOS = [
  { id: 'ns1', title: 'Non-stream, 1 connection (sequential, µs timer)', type: 'sequential', stream: false, direct: true },
  { id: 'ttfb1', title: 'Time to first streamed byte, 1 connection', type: 'sequential', stream: true, direct: true },
  { id: 'ns16', title: 'Non-stream, 16 connections', type: 'autocannon', stream: false, connections: 16 },
  { id: 'ns64', title: 'Non-stream, 64 connections', type: 'autocannon', stream: false, connections: 64 },
  { id: 's16', title: '20-chunk streams, 16 connections', type: 'autocannon', stream: true, connections: 16 },
  { id: 's256', title: '20-chunk streams, 256 connections', type: 'autocannon', stream: true, connections: 256 },
  { id: 'hold', title: `RSS while holding ${O.hold} open streams`, type: 'hold', stream: true },
];

// ------------------------------------------------------------------ main

const run = {
  startedAt: new Date().toISOString(),
  options: O,
  machine: machine(),
  loadAverage: { start: loadAverage() },
  git: gitInfo(),
  versions: versions(),
  results: {}, // scenario id → target name → [round results]
  sanity: {},
  notes: [],
};


async function main() {
  mkdirSync(LOG_DIR, { recursive: true });
  if (!O.skipBuild) {
    log('building the gateway (turbo, cached when unchanged)…');
    execSync('npx turbo run build --filter=@cligate/gateway --output-logs=errors-only', { cwd: S.ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
  }
  log(`machine: ${run.machine.nproc} × ${run.machine.cpuModel}, node ${run.machine.node}, load average ${run.loadAverage.start}`);
  log(`raw results and logs: ${RAW_DIR}`);

  const gatewayMain = S.snapshotGateway();
  const mock = await S.startMock(LOG_DIR);
  const procs = { mock };
  const wanted = (name) => {
    const t = TARGETS.find((tt) => tt.name === name);
    if (O.targets) return O.targets.includes(name);
    return !t.ablation || O.ablation;
  };
  const needs = (proc) => TARGETS.some((t) => t.process === proc && wanted(t.name)) || (proc === 'cgPg' && needs0('cgPgQuiet'));
  const needs0 = (proc) => TARGETS.some((t) => t.process === proc && wanted(t.name));

  let db = null;
  let redis = null;
  if (needs('cgPg')) {
    db = await S.createDatabase();
    if (O.pgSyncCommit) {
      await db.setSynchronousCommit(O.pgSyncCommit);
      run.notes.push(`cligate-pg's database ran with synchronous_commit = ${O.pgSyncCommit} (--pg-synchronous-commit).`);
    }
    const prefix = S.uniqueRedisPrefix();
    redis = await S.redisHandle(prefix);
    log(`cligate (Postgres database ${db.name}, Redis prefix ${prefix})…`);
    const secrets = S.newSecrets();
    procs.cgPg = await S.startCligate({ name: 'cligate-pg', mode: 'postgres+redis', mock, logDir: LOG_DIR, databaseUrl: db.url, redisPrefix: prefix, secrets, main: gatewayMain });
    procs.cgPg.key = await S.setupCligate(procs.cgPg);
    if (needs('cgPgQuiet')) {
      // a second process of the same deployment (same database, Redis and secrets), logging at warn
      procs.cgPgQuiet = await S.startCligate({
        name: 'cligate-pg-quiet',
        mode: 'postgres+redis',
        mock,
        logDir: LOG_DIR,
        databaseUrl: db.url,
        redisPrefix: prefix,
        secrets,
        main: gatewayMain,
        extraEnv: { LOG_LEVEL: 'warn' },
      });
      procs.cgPgQuiet.key = procs.cgPg.key;
    }
  }
  if (needs('cgEmb')) {
    log('cligate (embedded)…');
    procs.cgEmb = await S.startCligate({ name: 'cligate-emb', mode: 'embedded', mock, logDir: LOG_DIR, main: gatewayMain });
    procs.cgEmb.key = await S.setupCligate(procs.cgEmb);
  }
  if (needs('thin')) procs.thin = await S.startThinProxy(LOG_DIR, mock.openai);
  if (needs('portkey')) {
    log('portkey…');
    procs.portkey = await S.startPortkey(LOG_DIR);
  }
  const worker = await S.startWorker(LOG_DIR);

  // targets that are up and answer correctly
  const targets = [];
  for (const t of TARGETS) {
    if (!wanted(t.name) || !procs[t.process]) continue;
    const p = procs[t.process];
    const spec = S.requestSpecs(t.kind, { url: p.url, key: t.admin ? S.API_PASSWORD : p.key, mock });
    const problems = await S.sanityCheck(spec, t.protocol);
    run.sanity[t.name] = problems.length ? problems : 'ok';
    if (problems.length) {
      log(`${t.name} FAILED its sanity check and is left out:\n  ${problems.join('\n  ')}`);
      run.notes.push(`${t.name} failed the sanity check and was left out: ${problems.join('; ')}`);
      continue;
    }
    targets.push({ ...t, spec, pid: p.pid });
  }
  log(`targets: ${targets.map((t) => t.name).join(', ')}`);

  const ctx = { mock, worker, db, redis, procs };
  for (const sc of SCENARIOS) {
    if (O.scenarios && !O.scenarios.includes(sc.id)) continue;
    const list = targets.filter((t) => (sc.direct ? true : !t.isDirect) && (!t.only || t.only.includes(sc.id)));
    if (list.length === 0) continue;
    run.results[sc.id] = {};
    log(`— ${sc.title}`);
    if (sc.type === 'hold') {
      for (const t of list) run.results[sc.id][t.name] = await holdScenario(ctx, t);
      continue;
    }
    // warm-up, then rounds in alternating order (A,B,…,B,A)
    for (const t of list) await window(ctx, t, sc, { warmup: true });
    for (let r = 0; r < O.rounds; r++) {
      const order = r % 2 === 0 ? list : [...list].reverse();
      for (const t of order) {
        const res = await window(ctx, t, sc, {});
        (run.results[sc.id][t.name] ??= []).push(res);
        log(`  r${r + 1} ${t.name.padEnd(20)} ${brief(sc, res)}`);
      }
    }
  }
  run.loadAverage.end = loadAverage();
  run.finishedAt = new Date().toISOString();

  writeFileSync(join(RAW_DIR, 'results.json'), JSON.stringify(run, null, 2));
  const report = renderReport(run);
  const out = O.out || join(S.BENCH_DIR, 'results', `${run.startedAt.slice(0, 10)}${quick ? '-quick' : ''}.md`);
  writeFileSync(out, report);
  console.log(report);
  log(`report written to ${out}`);
}

// ------------------------------------------------------------------ measurement

function snapshot(ctx, t, pgPids, pgBefore = null) {
  // Postgres backends: per pid, so that a backend that closed during the window keeps its last value
  const pg = new Map();
  for (const pid of pgPids ?? []) {
    const v = cpuMicros(pid);
    pg.set(pid, v ?? pgBefore?.get(pid) ?? 0);
  }
  for (const [pid, v] of pgBefore ?? []) if (!pg.has(pid)) pg.set(pid, v);
  let pgTotal = 0;
  for (const v of pg.values()) pgTotal += v;
  return {
    at: performance.now(),
    machine: machineBusyMicros(),
    worker: cpuMicros(ctx.worker.pid) ?? 0,
    target: cpuMicros(t.pid) ?? 0,
    mock: cpuMicros(ctx.mock.pid) ?? 0,
    pgByPid: pg,
    pg: pgTotal,
    redis: ctx.redis?.pid ? (cpuMicros(ctx.redis.pid) ?? 0) : 0,
  };
}

async function window(ctx, t, sc, { warmup }) {
  const s = t.spec(sc.stream);
  const usesPg = t.process === 'cgPg' || t.process === 'cgPgQuiet';
  const pgPids = usesPg && ctx.db ? await ctx.db.backendPids() : null;
  const before = snapshot(ctx, t, pgPids);
  let r;
  if (sc.type === 'sequential') {
    const n = sc.stream ? O.ttfbSamples : O.seqSamples;
    r = await ctx.worker.job({ kind: 'sequential', ...s, method: 'POST', samples: warmup ? Math.min(200, n) : n, warmup: 20 });
  } else {
    r = await ctx.worker.job({
      kind: 'autocannon',
      url: s.origin + s.path,
      method: 'POST',
      headers: s.headers,
      body: s.body,
      connections: sc.connections,
      duration: warmup ? O.warmup : O.duration,
    });
  }
  await settle(t.isDirect ? ctx.mock.pid : t.pid);
  if (warmup) return null;
  const pgPidsAfter = usesPg && ctx.db ? await ctx.db.backendPids() : null;
  // backends that appeared during the window count with their whole (short) life
  const after = snapshot(ctx, t, pgPidsAfter, before.pgByPid);
  const wallSec = (after.at - before.at) / 1000;
  const n = Math.max(1, r.completed);
  const perReq = (a, b) => (a - b) / n;
  return {
    ...r,
    wallSec,
    cpuUsPerReq: {
      target: t.isDirect ? perReq(after.mock, before.mock) : perReq(after.target, before.target),
      mock: perReq(after.mock, before.mock),
      ...(usesPg ? { pg: perReq(after.pg, before.pg), redis: perReq(after.redis, before.redis) } : {}),
    },
    cpuPct: {
      target: ((after.target - before.target) / 1e6 / wallSec) * 100,
      mock: ((after.mock - before.mock) / 1e6 / wallSec) * 100,
      loadgen: ((after.worker - before.worker) / 1e6 / wallSec) * 100,
      machine: ((after.machine - before.machine) / 1e6 / wallSec) * 100,
      // busy CPU of the machine not spent by this benchmark's processes (other users' work)
      others:
        ((after.machine - before.machine - (after.worker - before.worker) - (after.mock - before.mock) - (t.isDirect ? 0 : after.target - before.target) - (after.pg - before.pg) - (after.redis - before.redis)) / 1e6 / wallSec) * 100,
    },
    rssMb: rssMb(t.pid),
    loadAvg: loadAverage(),
  };
}

/** Waits until the process stops burning CPU (backlog of a window finished), at most 3 s. */
async function settle(pid) {
  const deadline = performance.now() + 3_000;
  let last = cpuMicros(pid) ?? 0;
  while (performance.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    const now = cpuMicros(pid) ?? 0;
    if (now - last <= 2_000) return;
    last = now;
  }
}

async function holdScenario(ctx, t) {
  const s = t.spec(true);
  const reps = [];
  const baseline = rssMb(t.pid);
  await settle(t.pid);
  for (let i = 0; i < O.holdRepeats; i++) {
    await ctx.mock.hold();
    const opened = await ctx.worker.job({ kind: 'hold-open', ...s, method: 'POST', count: O.hold, settleMs: 3_000, maxWaitMs: 30_000 });
    const heldAtMock = (await ctx.mock.held()).held;
    const peak = rssMb(t.pid);
    const mockRss = rssMb(ctx.mock.pid);
    await ctx.mock.release();
    const finished = await ctx.worker.job({ kind: 'hold-finish', maxWaitMs: 60_000 });
    await new Promise((r) => setTimeout(r, 1_500));
    const after = rssMb(t.pid);
    const rep = { open: opened.open, firstBytes: opened.firstBytes, heldAtMock, openErrors: opened.errors, statuses: finished.statuses, ended: finished.ended, errors: finished.errors, how: finished.how, lastError: finished.lastError, peak, after, mockRss };
    reps.push(rep);
    log(`  ${t.name.padEnd(20)} rep ${i + 1}: ${opened.open}/${O.hold} streams delivering (mock holds ${heldAtMock}), RSS ${fmt(peak, 1)} MB held, ${fmt(after, 1)} MB after; ${finished.ended} ended, ${finished.errors} errors`);
  }
  return [{ baseline, reps }];
}

function brief(sc, r) {
  if (sc.type === 'sequential') {
    const m = sc.stream ? r.ttfb : r.latency;
    return `${fmt(r.rps, 0)} req/s  ${sc.stream ? 'ttfb' : 'lat'} p50 ${fmt(m.p50, 3)} ms p99 ${fmt(m.p99, 3)} ms  cpu ${fmt(r.cpuUsPerReq.target, 0)} µs/req  others ${fmt(r.cpuPct.others, 0)}%`;
  }
  const bad = r.non2xx + r.errors + r.timeouts;
  return `${fmt(r.rps, 0)} req/s  p50 ${r.latency.p50} ms p99 ${r.latency.p99} ms  cpu ${fmt(r.cpuUsPerReq.target, 0)} µs/req (mock ${fmt(r.cpuUsPerReq.mock, 0)})  loadgen ${fmt(r.cpuPct.loadgen, 0)}% others ${fmt(r.cpuPct.others, 0)}%${bad ? `  !! ${r.non2xx} non-2xx ${r.errors} errors ${r.timeouts} timeouts` : ''}`;
}

// ------------------------------------------------------------------ report

function fmt(v, digits = 1) {
  if (v === null || v === undefined || Number.isNaN(v)) return '–';
  return Number(v).toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}
const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
const ratio = (a, b) => (a && b ? a / b : NaN);
const x = (v) => (Number.isNaN(v) ? '–' : `${fmt(v, 2)}×`);
const pct = (v) => (Number.isNaN(v) ? '–' : `${fmt(v * 100, 0)} %`);

/** Mean over rounds of the figures a table shows. */
function aggregate(rounds, sc) {
  const lat = (r) => (sc.type === 'sequential' && sc.stream ? r.ttfb : r.latency);
  const rps = rounds.map((r) => r.rps);
  return {
    rps: mean(rps),
    rpsMin: Math.min(...rps),
    rpsMax: Math.max(...rps),
    p50: mean(rounds.map((r) => lat(r).p50)),
    p99: mean(rounds.map((r) => lat(r).p99)),
    p50s: rounds.map((r) => lat(r).p50),
    total50: sc.type === 'sequential' ? mean(rounds.map((r) => r.latency.p50)) : NaN,
    selfOverhead50: rounds.every((r) => r.selfReportedOverhead) ? mean(rounds.map((r) => r.selfReportedOverhead.p50)) : NaN,
    cpu: mean(rounds.map((r) => r.cpuUsPerReq.target)),
    cpus: rounds.map((r) => r.cpuUsPerReq.target),
    mock: mean(rounds.map((r) => r.cpuUsPerReq.mock)),
    pg: rounds[0].cpuUsPerReq.pg === undefined ? NaN : mean(rounds.map((r) => r.cpuUsPerReq.pg)),
    redis: rounds[0].cpuUsPerReq.redis === undefined ? NaN : mean(rounds.map((r) => r.cpuUsPerReq.redis)),
    rss: Math.max(...rounds.map((r) => r.rssMb ?? 0)),
    bad: rounds.reduce((a, r) => a + r.non2xx + r.errors + r.timeouts, 0),
    loadgen: mean(rounds.map((r) => r.cpuPct.loadgen)),
    others: mean(rounds.map((r) => r.cpuPct.others)),
    targetPct: mean(rounds.map((r) => r.cpuPct.target)),
  };
}

function renderReport(run) {
  const L = [];
  const m = run.machine;
  L.push(`# cligate benchmark — ${run.startedAt.slice(0, 10)}`);
  L.push('');
  L.push(`Produced by \`npm run bench\` (bench/run.mjs). Mock upstreams on loopback with no artificial delay; every target and the load generator (autocannon ${run.versions.autocannon}, undici ${run.versions.undici}) are separate processes. How to read it: bench/README.md.`);
  L.push('');
  L.push('## Machine and run');
  L.push('');
  L.push(`| | |`);
  L.push(`|---|---|`);
  L.push(`| CPU | ${m.nproc} × ${m.cpuModel} (\`nproc\` = ${m.nproc}) |`);
  L.push(`| Memory | ${m.memGiB} GiB |`);
  L.push(`| Kernel / Node | ${m.kernel} / ${m.node} |`);
  L.push(`| Load average (1/5/15 min) | start ${run.loadAverage.start}; end ${run.loadAverage.end} |`);
  L.push(`| Code | ${run.git} |`);
  L.push(`| Peers | thin proxy: fastify ${run.versions.fastify} + undici ${run.versions.undici}; Portkey \`@portkey-ai/gateway\` ${run.versions.portkey} (hono ${run.versions.hono}, @hono/node-server ${run.versions.honoNodeServer}) |`);
  L.push(`| Settings | ${run.options.rounds} rounds, ${run.options.duration} s windows after ${run.options.warmup} s warm-up, ${run.options.seqSamples} sequential requests and ${run.options.ttfbSamples} first-byte samples per round, ${run.options.hold} held streams × ${run.options.holdRepeats} |`);
  L.push(`| Started / finished | ${run.startedAt} / ${run.finishedAt} |`);
  L.push('');
  L.push('Targets: **cligate-pg** = cligate in its real deployment mode (Postgres + Redis, issued key with a quota charged on every request, `LOG_LEVEL=info` to a file); **cligate-emb** = the embedded default (PGlite, in-process coordination); `/openai` = `POST /v1/chat/completions` (OpenAI → Gemini translation), `/gemini` = `POST /v1beta/models/{m}:generateContent` / `:streamGenerateContent?alt=sse` (Gemini native). **thin-proxy** = fastify + undici passthrough (bench/lib/thin-proxy.mjs); **portkey** = Portkey routed with `x-portkey-provider: openai` + `x-portkey-custom-host`; **direct-*** = the mock hit directly.');
  L.push('');
  L.push('CPU µs/req = utime+stime of the process (all threads) over the window ÷ completed requests. For cligate-pg, *pg* is the CPU of the Postgres backends serving its database and *redis* the CPU of the (shared) Redis server, both per request.');
  L.push('');
  const others = [];
  for (const res of Object.values(run.results)) {
    for (const rounds of Object.values(res)) for (const r of rounds) if (r?.cpuPct) others.push(Math.max(0, r.cpuPct.others));
  }
  if (others.length) {
    const avg = mean(others);
    const busy = others.filter((o) => o > 50).length;
    L.push(
      avg > 25
        ? `**Disturbed run:** other work on the machine used on average ${fmt(avg, 0)} % CPU (of ${run.machine.nproc * 100} %) during the measured windows, more than 50 % in ${busy} of ${others.length} windows. Ratios from the same round are still comparable; absolute figures are low. Re-run when the machine is quiet.`
        : `Other work on the machine used on average ${fmt(avg, 0)} % CPU (of ${run.machine.nproc * 100} %) during the measured windows.`,
    );
    L.push('');
  }
  if (run.notes.length) {
    L.push('**Notes:**');
    for (const n of run.notes) L.push(`- ${n}`);
    L.push('');
  }

  const aggs = {};
  for (const sc of SCENARIOS) {
    const res = run.results[sc.id];
    if (!res) continue;
    if (sc.type === 'hold') {
      renderHold(L, sc, res, run.options);
      continue;
    }
    const A = (aggs[sc.id] = Object.fromEntries(Object.entries(res).map(([name, rounds]) => [name, aggregate(rounds, sc)])));
    L.push(`## ${sc.title}`);
    L.push('');
    const thin = A['thin-proxy'];
    const pk = A.portkey;
    if (sc.type === 'sequential') {
      const what = sc.stream ? 'time to first body byte' : 'latency (whole response)';
      L.push(`One keep-alive connection, one request at a time; ${what} per request, timed in the load process. *Added* = p50 minus the direct upstream's p50 (Code Assist mock for cligate, OpenAI mock for the others).`);
      L.push('');
      L.push(`| target | req/s | p50 ms | p99 ms | added p50 ms | added p99 ms | cligate's own x-cligate-overhead-ms p50 | CPU µs/req | mock µs/req | per-round p50 | others' CPU % |`);
      L.push(`|---|--:|--:|--:|--:|--:|--:|--:|--:|---|--:|`);
      for (const [name, a] of Object.entries(A)) {
        const t = TARGETS.find((tt) => tt.name === name);
        const d = t.direct ? A[t.direct] : null;
        L.push(`| ${name} | ${fmt(a.rps, 0)} | ${fmt(a.p50, 3)} | ${fmt(a.p99, 3)} | ${d ? fmt(a.p50 - d.p50, 3) : ''} | ${d ? fmt(a.p99 - d.p99, 3) : ''} | ${Number.isNaN(a.selfOverhead50) ? '' : fmt(a.selfOverhead50, 3)} | ${fmt(a.cpu, 0)} | ${fmt(a.mock, 0)} | ${a.p50s.map((v) => fmt(v, 3)).join(' / ')} | ${fmt(Math.max(0, a.others), 0)} |`);
      }
    } else {
      L.push(`autocannon, ${sc.connections} connections, ${run.options.duration} s per round; latency is the whole response (${sc.stream ? 'the full 20-chunk stream' : 'one JSON answer'}), ms (autocannon's 1 ms resolution). Ratios divide the cligate row by the peer row: req/s, and CPU-efficiency (peer CPU µs/req ÷ cligate CPU µs/req, i.e. the share of the peer's throughput cligate would reach if both were CPU-bound).`);
      L.push('');
      L.push(`| target | req/s (range) | p50 ms | p99 ms | CPU µs/req | mock µs/req | pg + redis µs/req | RSS MB | req/s ÷ thin | req/s ÷ Portkey | CPU-eff. vs thin | CPU-eff. vs Portkey | target / loadgen / others' CPU % | errors |`);
      L.push(`|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|`);
      for (const [name, a] of Object.entries(A)) {
        const isCg = name.startsWith('cligate');
        L.push(
          `| ${name} | ${fmt(a.rps, 0)} (${fmt(a.rpsMin, 0)}–${fmt(a.rpsMax, 0)}) | ${fmt(a.p50, 0)} | ${fmt(a.p99, 0)} | ${fmt(a.cpu, 0)} | ${fmt(a.mock, 0)} | ${Number.isNaN(a.pg) ? '' : `${fmt(a.pg, 0)} + ${fmt(a.redis, 0)}`} | ${fmt(a.rss, 0)} | ${isCg ? pct(ratio(a.rps, thin?.rps)) : ''} | ${isCg ? x(ratio(a.rps, pk?.rps)) : ''} | ${isCg ? pct(ratio(thin?.cpu, a.cpu)) : ''} | ${isCg ? x(ratio(pk?.cpu, a.cpu)) : ''} | ${fmt(a.targetPct, 0)} / ${fmt(a.loadgen, 0)} / ${fmt(Math.max(0, a.others), 0)} | ${a.bad || ''} |`,
        );
      }
    }
    L.push('');
  }
  renderTargets(L, aggs, run.results.hold, run.options);
  L.push('');
  return L.join('\n');
}

function renderHold(L, sc, res, O) {
  L.push(`## RSS while holding ${O.hold} open streams`);
  L.push('');
  L.push(`The mock answers each stream with its headers and first event, then holds it; the load process opens ${O.hold} streams at once (one connection each) and counts those that delivered their first byte. RSS (VmRSS of the target process) is read while they are held, and again 1.5 s after they were released and finished; repeated ${O.holdRepeats} times to see growth.`);
  L.push('');
  L.push(`| target | streams delivering | RSS before MB | RSS held MB (per repeat) | RSS after MB (per repeat) | held − before | growth held r1→r${O.holdRepeats} | vs thin (held) | errors |`);
  L.push(`|---|--:|--:|---|---|--:|--:|--:|--:|`);
  const thin = res['thin-proxy']?.[0];
  const thinPeak = thin ? Math.max(...thin.reps.map((r) => r.peak)) : NaN;
  for (const [name, [h]] of Object.entries(res)) {
    const peaks = h.reps.map((r) => r.peak);
    const afters = h.reps.map((r) => r.after);
    const peak = Math.max(...peaks);
    const errors = h.reps.reduce((a, r) => a + r.errors + r.openErrors, 0);
    L.push(
      `| ${name} | ${h.reps.map((r) => r.open).join(' / ')} | ${fmt(h.baseline, 0)} | ${peaks.map((v) => fmt(v, 0)).join(' / ')} | ${afters.map((v) => fmt(v, 0)).join(' / ')} | ${fmt(peak - h.baseline, 0)} | ${fmt(peaks[peaks.length - 1] - peaks[0], 0)} | ${name.startsWith('cligate') ? x(ratio(peak, thinPeak)) : ''} | ${errors || ''} |`,
    );
  }
  L.push('');
}

function renderTargets(L, aggs, hold, O) {
  L.push('## Against the issue #8 targets');
  L.push('');
  L.push('Ratios from this run. "req/s" ratios depend on how the 2 shared cores were split between target, mock and load generator; the CPU-efficiency ratio is the steadier one.');
  L.push('');
  L.push('| target | cligate row | measured | goal | met? |');
  L.push('|---|---|--:|--:|:-:|');
  const row = (what, name, measured, goal, ok) => L.push(`| ${what} | ${name} | ${measured} | ${goal} | ${ok === null ? '–' : ok ? 'yes' : '**no**'} |`);
  const cg = ['cligate-pg/openai', 'cligate-pg/gemini', 'cligate-emb/openai', 'cligate-emb/gemini'];
  const get = (sc, name) => aggs[sc]?.[name];
  for (const name of cg) {
    const ns16 = get('ns16', name);
    if (ns16) {
      const t = get('ns16', 'thin-proxy');
      const p = get('ns16', 'portkey');
      const r1 = ratio(ns16.rps, t?.rps);
      const r2 = ratio(ns16.rps, p?.rps);
      row('non-stream 16 conn, req/s ÷ thin', name, `${pct(r1)} (CPU-eff. ${pct(ratio(t?.cpu, ns16.cpu))})`, '≥ 40 %', Number.isNaN(r1) ? null : r1 >= 0.4);
      row('non-stream 16 conn, req/s ÷ Portkey', name, `${x(r2)} (CPU-eff. ${x(ratio(p?.cpu, ns16.cpu))})`, '≥ 4×', Number.isNaN(r2) ? null : r2 >= 4);
    }
  }
  for (const sc of ['s16', 's256']) {
    for (const name of cg) {
      const a = get(sc, name);
      if (!a) continue;
      const t = get(sc, 'thin-proxy');
      const p = get(sc, 'portkey');
      const r1 = ratio(a.rps, t?.rps);
      const r2 = ratio(a.rps, p?.rps);
      row(`streams ${sc.slice(1)} conn, req/s ÷ thin`, name, `${pct(r1)} (CPU-eff. ${pct(ratio(t?.cpu, a.cpu))})`, '≥ 40 %', Number.isNaN(r1) ? null : r1 >= 0.4);
      row(`streams ${sc.slice(1)} conn, req/s ÷ Portkey`, name, `${x(r2)} (CPU-eff. ${x(ratio(p?.cpu, a.cpu))})`, '≥ 6×', Number.isNaN(r2) ? null : r2 >= 6);
      if (sc === 's256') {
        const r3 = ratio(a.p99, t?.p99);
        row('streams 256 conn, p99 ÷ thin p99', name, `${x(r3)} (${fmt(a.p99, 0)} vs ${fmt(t?.p99, 0)} ms)`, '≤ 3×', Number.isNaN(r3) ? null : r3 <= 3);
      }
    }
  }
  for (const name of cg) {
    const a = get('ns1', name);
    const d = get('ns1', 'direct-codeassist');
    if (a && d) {
      const added = a.p50 - d.p50;
      row('1 conn, added p50 latency', name, `${fmt(added, 3)} ms`, '≤ 0.5 ms', added <= 0.5);
    }
    const f = get('ttfb1', name);
    const fd = get('ttfb1', 'direct-codeassist');
    if (f && fd) {
      const added = f.p50 - fd.p50;
      row('1 conn, added time to first byte (p50)', name, `${fmt(added, 3)} ms`, '≤ 1 ms', added <= 1);
    }
  }
  if (hold) {
    const thin = hold['thin-proxy']?.[0];
    const thinPeak = thin ? Math.max(...thin.reps.map((r) => r.peak)) : NaN;
    for (const name of cg) {
      const h = hold[name]?.[0];
      if (!h) continue;
      const peaks = h.reps.map((r) => r.peak);
      const peak = Math.max(...peaks);
      const open = Math.min(...h.reps.map((r) => r.open));
      const r1 = ratio(peak, thinPeak);
      row(`${O.hold} open streams, RSS ÷ thin`, name, `${x(r1)} (${fmt(peak, 0)} vs ${fmt(thinPeak, 0)} MB; ${open} of ${O.hold} streams delivering)`, '≤ 2×, all open', Number.isNaN(r1) ? null : r1 <= 2 && open >= O.hold);
      const growth = peaks[peaks.length - 1] - peaks[0];
      const afters = h.reps.map((r) => r.after);
      row(`${O.hold} open streams, growth over ${O.holdRepeats} repeats`, name, `${fmt(growth, 1)} MB held; ${fmt(afters[afters.length - 1] - afters[0], 1)} MB after release`, 'none (≤ 5 % of held)', growth <= 0.05 * peaks[0]);
    }
  }
}

// ------------------------------------------------------------------ environment facts

function gitInfo() {
  try {
    const sha = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: S.ROOT, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'apps/gateway/src'], { cwd: S.ROOT, encoding: 'utf8' }).trim();
    return `${sha}${dirty ? ` + uncommitted changes in apps/gateway/src (${dirty.split('\n').length} files)` : ''}`;
  } catch {
    return 'unknown';
  }
}

function versions() {
  const v = (pkg) => {
    for (const base of [join(S.BENCH_DIR, 'node_modules'), join(S.ROOT, 'node_modules')]) {
      try {
        return JSON.parse(readFileSync(join(base, pkg, 'package.json'), 'utf8')).version;
      } catch {
        // next
      }
    }
    return '?';
  };
  return {
    autocannon: v('autocannon'),
    undici: v('undici'),
    fastify: v('fastify'),
    portkey: v('@portkey-ai/gateway'),
    hono: v('hono'),
    honoNodeServer: v('@hono/node-server'),
  };
}

// ------------------------------------------------------------------ go (after every declaration above)

S.onExitCleanup();
try {
  if (argv.render) {
    // re-render a report from a raw results.json (e.g. after changing the report's layout)
    const saved = JSON.parse(readFileSync(argv.render, 'utf8'));
    const report = renderReport(saved);
    if (O.out) writeFileSync(O.out, report);
    console.log(report);
  } else await main();
} catch (error) {
  log('failed:', error?.stack ?? error);
  process.exitCode = 1;
} finally {
  await S.stopAll();
  compressLogs(LOG_DIR);
}

/** The gateways' request logs grow by ~350 bytes per request: gzip what is left in the raw folder. */
function compressLogs(dir) {
  if (!existsSync(dir)) return;
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (!name.endsWith('.log') || statSync(path).size < 1_000_000) continue;
    writeFileSync(`${path}.gz`, gzipSync(readFileSync(path)));
    rmSync(path);
  }
}
