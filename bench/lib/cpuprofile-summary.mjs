#!/usr/bin/env node
/**
 * Summarises a V8 .cpuprofile (from `node --cpu-prof`): self time per function, self time per
 * package / source file, and inclusive time per function, optionally over a time window.
 *
 *   node bench/lib/cpuprofile-summary.mjs <file.cpuprofile> [--from-end=ms,ms] [--top=25]
 *
 * --from-end=A,B keeps the samples taken between A and B milliseconds before the profile's end (the
 * load window, when the process was stopped right after it).
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';

export function summarize(profile, { window = null, top = 25 } = {}) {
  const byId = new Map();
  const parent = new Map();
  for (const node of profile.nodes) {
    byId.set(node.id, node);
    for (const child of node.children ?? []) parent.set(child, node.id);
  }
  // sample times (µs, profile clock)
  const times = new Array(profile.samples.length);
  let t = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    t += profile.timeDeltas[i] ?? 0;
    times[i] = t;
  }
  const from = window ? profile.endTime - window[0] * 1000 : -Infinity;
  const to = window ? profile.endTime - window[1] * 1000 : Infinity;

  const self = new Map();
  const inclusive = new Map();
  const byCategory = new Map();
  const byOwner = new Map();
  let total = 0;
  let idle = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    if (times[i] < from || times[i] > to) continue;
    // each sample stands for the interval until the next one
    const dt = (profile.timeDeltas[i + 1] ?? profile.timeDeltas[i] ?? 0) / 1000;
    const node = byId.get(profile.samples[i]);
    if (!node) continue;
    const key = frameKey(node.callFrame);
    if (node.callFrame.functionName === '(idle)') {
      idle += dt;
      continue;
    }
    total += dt;
    self.set(key, (self.get(key) ?? 0) + dt);
    const cat = category(node.callFrame);
    byCategory.set(cat, (byCategory.get(cat) ?? 0) + dt);
    // owner: the nearest frame (leaf upwards) that belongs to a package or to cligate; node internals,
    // syscalls and natives are charged to whoever called them
    let owner = null;
    for (let id = node.id; id !== undefined && owner === null; id = parent.get(id)) {
      const c = category(byId.get(id).callFrame);
      if (c.startsWith('npm: ') || c.startsWith('cligate: ')) owner = c;
    }
    if (owner === null) owner = cat.startsWith('V8') ? cat : `unowned ${cat}`;
    byOwner.set(owner, (byOwner.get(owner) ?? 0) + dt);
    const seen = new Set();
    for (let id = node.id; id !== undefined; id = parent.get(id)) {
      const n = byId.get(id);
      const k = frameKey(n.callFrame);
      if (seen.has(k)) continue;
      seen.add(k);
      inclusive.set(k, (inclusive.get(k) ?? 0) + dt);
    }
  }
  const sorted = (m) => [...m.entries()].sort((a, b) => b[1] - a[1]);
  return {
    busyMs: total,
    idleMs: idle,
    self: sorted(self).slice(0, top),
    categories: sorted(byCategory),
    owners: sorted(byOwner),
    inclusive: sorted(inclusive)
      .filter(([k]) => !k.startsWith('(root)') && !k.startsWith('(program)'))
      .slice(0, top),
  };
}

function frameKey(f) {
  const name = f.functionName || '(anonymous)';
  if (!f.url) return name;
  return `${name}  ${shortUrl(f.url)}:${f.lineNumber + 1}`;
}

function shortUrl(url) {
  const u = url.replace(/^file:\/\//, '');
  const nm = u.lastIndexOf('node_modules/');
  if (nm >= 0) return u.slice(nm + 'node_modules/'.length);
  const dist = u.indexOf('apps/gateway/dist/');
  if (dist >= 0) return u.slice(dist + 'apps/gateway/dist/'.length);
  return u.startsWith('node:') ? u : basename(u);
}

/** Where the time goes: a package, a gateway folder, node internals or V8. */
export function category(f) {
  const name = f.functionName;
  if (!f.url) {
    if (name === '(garbage collector)') return 'V8: garbage collector';
    if (name === '(program)') return 'V8/native: (program)';
    return `native: ${name || '(anonymous)'}`;
  }
  const u = f.url.replace(/^file:\/\//, '');
  const nm = u.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = u.slice(nm + 'node_modules/'.length).split('/');
    return `npm: ${rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]}`;
  }
  const dist = u.indexOf('apps/gateway/dist/');
  if (dist >= 0) {
    const rest = u.slice(dist + 'apps/gateway/dist/'.length).split('/');
    return `cligate: ${rest.length > 1 ? rest.slice(0, rest[0] === 'protocols' ? 2 : 1).join('/') : rest[0]}`;
  }
  if (u.startsWith('node:')) return `node: ${u.slice(5).split('/')[0]}`;
  return `other: ${basename(u)}`;
}

export function renderSummary(s, title) {
  const pct = (v) => `${((v / s.busyMs) * 100).toFixed(1)} %`;
  const perReq = (v) => (s.requests ? ` | ${((v * 1000) / s.requests).toFixed(1)}` : '');
  const perReqHead = s.requests ? ' | µs/req' : '';
  const perReqSep = s.requests ? '|--:' : '';
  const L = [];
  L.push(`### ${title}`);
  L.push('');
  L.push(`Busy ${s.busyMs.toFixed(0)} ms (idle ${s.idleMs.toFixed(0)} ms) in the window${s.requests ? `, ${s.requests} requests: ${((s.busyMs * 1000) / s.requests).toFixed(0)} µs of sampled CPU per request` : ''}.`);
  L.push('');
  L.push(`| CPU by owner (native work charged to the nearest package or cligate folder that called it) | ms | share${perReqHead} |`);
  L.push(`|---|--:|--:${perReqSep}|`);
  for (const [k, v] of s.owners.slice(0, 24)) L.push(`| ${k} | ${v.toFixed(0)} | ${pct(v)}${perReq(v)} |`);
  L.push('');
  L.push('| self time by package / folder | ms | share |');
  L.push('|---|--:|--:|');
  for (const [k, v] of s.categories.slice(0, 20)) L.push(`| ${k} | ${v.toFixed(0)} | ${pct(v)} |`);
  L.push('');
  L.push('| top self-time functions | ms | share |');
  L.push('|---|--:|--:|');
  for (const [k, v] of s.self) L.push(`| \`${k.replace(/\|/g, '\\|')}\` | ${v.toFixed(0)} | ${pct(v)} |`);
  L.push('');
  L.push('| top inclusive-time functions | ms | share |');
  L.push('|---|--:|--:|');
  for (const [k, v] of s.inclusive) L.push(`| \`${k.replace(/\|/g, '\\|')}\` | ${v.toFixed(0)} | ${pct(v)} |`);
  L.push('');
  return L.join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const file = process.argv[2];
  if (!file) {
    console.error('usage: cpuprofile-summary.mjs <file.cpuprofile> [--from-end=A,B] [--top=N]');
    process.exit(2);
  }
  const args = Object.fromEntries(process.argv.slice(3).map((a) => a.replace(/^--/, '').split('=')));
  const window = args['from-end'] ? args['from-end'].split(',').map(Number) : null;
  const s = summarize(JSON.parse(readFileSync(file, 'utf8')), { window, top: Number(args.top ?? 25) });
  console.log(renderSummary(s, basename(file)));
}
