#!/usr/bin/env node
/**
 * `npm run bench:profile`: CPU profiles of cligate under load. For each scenario a fresh gateway
 * process runs with `node --cpu-prof`, gets an uploaded credential and an issued key, is warmed up,
 * loaded by autocannon (separate process) for --duration seconds, then stopped; the profile is cut
 * to the load window and summarised (self time per package and function, inclusive time).
 *
 *   node bench/profile.mjs [--mode=pg|embedded] [--scenarios=ns16-openai,s16-openai,ns16-gemini,s16-gemini,ns16-thin,s16-thin]
 *                          [--duration=10] [--interval=250] [--skip-build] [--log-level=warn] [--admin-key]
 *
 * A scenario is (ns|s)<connections>-(openai|gemini|thin): non-stream or 20-chunk streams, through
 * cligate's OpenAI or Gemini route, or through the thin proxy (for a side-by-side per-request view).
 *
 * Profiles and the summary go to bench/results/raw/<stamp>/profiles/ (and the summary to --out=file.md).
 */
import { execSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderSummary, summarize } from './lib/cpuprofile-summary.mjs';
import { cpuMicros, loadAverage, machine } from './lib/procfs.mjs';
import * as S from './lib/stack.mjs';

const argv = Object.fromEntries(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=')).map(([k, v]) => [k, v ?? 'true']));
const mode = argv.mode ?? 'pg';
const scenarios = (argv.scenarios ?? 'ns16-openai,s16-openai,ns16-gemini,s16-gemini,ns16-thin,s16-thin').split(',');
const duration = Number(argv.duration ?? 10);
const interval = Number(argv.interval ?? 250);
const stamp = new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19);
const RAW = join(S.BENCH_DIR, 'results/raw', `profile-${stamp}`);
const PROF_DIR = join(RAW, 'profiles');
mkdirSync(PROF_DIR, { recursive: true });
const log = (...a) => console.error('[profile]', ...a);

async function main() {
  if (argv['skip-build'] !== 'true') execSync('npx turbo run build --filter=@cligate/gateway --output-logs=errors-only', { cwd: S.ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
  const gatewayMain = S.snapshotGateway();
  const mock = await S.startMock(join(RAW, 'logs'));
  const worker = await S.startWorker(join(RAW, 'logs'));
  const m = machine();
  const sections = [
    `# cligate CPU profiles (${mode === 'pg' ? 'Postgres + Redis' : 'embedded'}${argv['admin-key'] === 'true' ? ', admin password' : ''}${argv['log-level'] ? `, LOG_LEVEL=${argv['log-level']}` : ''}) — ${new Date().toISOString()}`,
    '',
    `\`node bench/profile.mjs ${process.argv.slice(2).join(' ')}\` on ${m.nproc} × ${m.cpuModel}, node ${m.node}; ${duration} s of autocannon load per scenario after a 3 s warm-up, sampling every ${interval} µs. The profiler itself costs CPU: compare shares, not absolute times, with bench results.`,
    '',
  ];
  for (const name of scenarios) {
    const m = /^(ns|s)(\d+)-(openai|gemini|thin)$/.exec(name);
    if (!m) throw new Error(`bad scenario ${name}`);
    const stream = m[1] === 's';
    const connections = Number(m[2]);
    const profArgs = ['--cpu-prof', `--cpu-prof-dir=${PROF_DIR}`, `--cpu-prof-name=${name}.cpuprofile`, `--cpu-prof-interval=${interval}`];
    let gw;
    let spec;
    if (m[3] === 'thin') {
      gw = await S.startThinProxy(join(RAW, 'logs'), mock.openai, { nodeArgs: profArgs, name: `thin-${name}` });
      spec = S.requestSpecs('thin', { url: gw.url, mock })(stream);
    } else {
      let db = null;
      let prefix;
      if (mode === 'pg') {
        db = await S.createDatabase();
        prefix = S.uniqueRedisPrefix();
        await S.redisHandle(prefix);
      }
      gw = await S.startCligate({
        name: `cligate-${name}`,
        mode: mode === 'pg' ? 'postgres+redis' : 'embedded',
        mock,
        logDir: join(RAW, 'logs'),
        databaseUrl: db?.url,
        redisPrefix: prefix,
        main: gatewayMain,
        nodeArgs: profArgs,
        extraEnv: argv['log-level'] ? { LOG_LEVEL: argv['log-level'] } : {},
      });
      const issued = await S.setupCligate(gw);
      // --admin-key: call with API_PASSWORD (no key lookup, no quota reservation, ledger row not awaited)
      const key = argv['admin-key'] === 'true' ? S.API_PASSWORD : issued;
      spec = S.requestSpecs(`cligate-${m[3]}`, { url: gw.url, key, mock })(stream);
    }
    const job = { kind: 'autocannon', url: spec.origin + spec.path, method: 'POST', headers: spec.headers, body: spec.body, connections };
    await worker.job({ ...job, duration: 3 });
    const cpu0 = cpuMicros(gw.pid);
    const tStart = performance.now();
    const r = await worker.job({ ...job, duration });
    const tEnd = performance.now();
    const cpu = (cpuMicros(gw.pid) - cpu0) / r.completed;
    await S.stopProcess(gw.child);
    const tExit = performance.now();
    const file = join(PROF_DIR, `${name}.cpuprofile`);
    const profile = JSON.parse(readFileSync(file, 'utf8'));
    const window = [tExit - tStart, tExit - tEnd];
    const summary = summarize(profile, { window, top: 30 });
    summary.requests = r.completed;
    const title = `${name}: ${r.rps.toFixed(0)} req/s, p50 ${r.latency.p50} ms, p99 ${r.latency.p99} ms, ${cpu.toFixed(0)} µs CPU/req (profiler on; load average ${loadAverage()})`;
    log(title);
    sections.push(renderSummary(summary, title));
  }
  const out = join(PROF_DIR, 'summary.md');
  writeFileSync(out, sections.join('\n'));
  if (argv.out) writeFileSync(argv.out, sections.join('\n'));
  console.log(sections.join('\n'));
  log(`profiles: ${readdirSync(PROF_DIR).join(', ')}; summary: ${out}`);
}

S.onExitCleanup();
try {
  await main();
} catch (error) {
  log('failed:', error?.stack ?? error);
  process.exitCode = 1;
} finally {
  await S.stopAll();
}
