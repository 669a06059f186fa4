/**
 * Claude Code and gemini-cli against cligate, as a new user would point them at it, with the fake
 * Google behind the gateway. Not part of `npm test` (the CLIs are not dependencies of this repository:
 * Claude Code's licence does not allow it, gemini-cli is large); run it by hand after `npm run build`:
 *
 *   mkdir -p /tmp/cli-clients && (cd /tmp/cli-clients && npm init -y >/dev/null &&
 *     npm install @anthropic-ai/claude-code@2.0.77 @google/gemini-cli@0.61.0)
 *   CLI_CLIENTS=/tmp/cli-clients npx tsx test/manual/try-cli-clients.mts
 *
 * (Claude Code 2.0.77 is the last release that runs on Node 20 from JavaScript.) Each check starts the
 * CLI non-interactively in a throwaway HOME, asks for one answer and for one tool call that writes a
 * file, and prints what happened. The fake Google answers "call <tool> {json}" with that function call.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFakeGoogle } from '../fakes/fake-google.js';
import { AdminClient, gcli2apiFile } from '../support/admin-client.js';
import { startGatewayProcess } from '../support/gateway-process.js';

const clients = process.env.CLI_CLIENTS ?? '/tmp/cli-clients';
const claudeBin = join(clients, 'node_modules/.bin/claude');
const geminiBin = join(clients, 'node_modules/.bin/gemini');
if (!existsSync(claudeBin) && !existsSync(geminiBin)) {
  console.error(`neither ${claudeBin} nor ${geminiBin} exists: install them as the header of this file says`);
  process.exit(2);
}

const google = await startFakeGoogle();
const account = google.addAccount({ email: 'cli-try@example.com' });
const gateway = await startGatewayProcess({
  name: 'cli-clients',
  env: { ...google.env, PANEL_PASSWORD: 'cli-try-panel', API_PASSWORD: 'cli-try-api', GCLI_CREDS_1: gcli2apiFile(account), GEMINI_CLI_RELAY: 'true' },
});
const admin = new AdminClient(gateway.url, 'cli-try-panel');
const key = (await admin.json('POST', '/auth/keys', { total_quota: 100_000, description: 'cli clients' })).body.api_key as string;
const work = mkdtempSync(join(tmpdir(), 'cligate-cli-try-'));
const results: Array<{ check: string; ok: boolean; detail: string }> = [];

/** Runs a CLI to its end without blocking this process's event loop (the fake Google lives here). */
function exec(bin: string, args: string[], cwd: string, env: Record<string, string>): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(bin, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

async function run(check: string, bin: string, args: string[], env: Record<string, string>, expect: (out: string) => boolean, file?: string) {
  const home = join(work, check.replace(/\W+/g, '-'));
  mkdirSync(home, { recursive: true });
  if (env['GEMINI_SETTINGS']) {
    mkdirSync(join(home, '.gemini'), { recursive: true });
    writeFileSync(join(home, '.gemini', 'settings.json'), env['GEMINI_SETTINGS']);
  }
  const target = file ? join(work, file) : undefined;
  const res = await exec(bin, args.map((a) => a.replace('{FILE}', target ?? '')), home, { PATH: process.env.PATH ?? '', HOME: home, ...env });
  const out = `${res.stdout}\n${res.stderr}`;
  const wrote = target ? existsSync(target) && readFileSync(target, 'utf8').trim() === 'cligate-tool-ok' : true;
  let expected = false;
  try {
    expected = expect(res.stdout);
  } catch {
    // not the expected shape
  }
  const ok = res.status === 0 && expected && wrote;
  const answer = res.stdout.trim().split('\n').filter((l) => !/^(Warning|YOLO|Ripgrep|\[STARTUP\])/.test(l)).slice(-1)[0] ?? '';
  results.push({ check, ok, detail: `exit ${res.status}${target ? `, file ${wrote ? 'written' : 'NOT written'}` : ''}; ${answer.slice(0, 160)}` });
  if (!ok) console.error(`--- ${check} output ---\n${out.slice(-3000)}`);
}

const claudeEnv = {
  ANTHROPIC_BASE_URL: gateway.url,
  ANTHROPIC_API_KEY: key,
  ANTHROPIC_MODEL: 'gemini-2.5-pro',
  ANTHROPIC_SMALL_FAST_MODEL: 'gemini-2.5-flash',
  CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
  DISABLE_AUTOUPDATER: '1',
};
const toolText = (tool: string) => `call ${tool} {"command":"echo cligate-tool-ok > {FILE}","description":"write a file"}`;
if (existsSync(claudeBin)) {
  await run('claude-code answer', claudeBin, ['-p', 'Say hello', '--output-format', 'json'], claudeEnv, (o) => JSON.parse(o).is_error === false && /Hello from cli-try@example.com/.test(o));
  await run('claude-code tool loop', claudeBin, ['-p', toolText('Bash'), '--allowedTools', 'Bash', '--output-format', 'json'], claudeEnv, (o) => JSON.parse(o).num_turns === 2, 'claude.txt');
}
if (existsSync(geminiBin)) {
  // gemini-cli as an API-key user: its Gemini API calls go to cligate's /v1beta with the sk- key
  const apiKeyEnv = {
    GEMINI_API_KEY: key,
    GOOGLE_GEMINI_BASE_URL: gateway.url,
    GEMINI_CLI_TRUST_WORKSPACE: 'true',
    GEMINI_SETTINGS: JSON.stringify({ security: { auth: { selectedType: 'gemini-api-key' } }, privacy: { usageStatisticsEnabled: false }, telemetry: { enabled: false } }),
  };
  await run('gemini-cli (API key) answer', geminiBin, ['-p', 'Say hello'], apiKeyEnv, (o) => /Hello from cli-try@example.com/.test(o));
  await run('gemini-cli (API key) tool loop', geminiBin, ['-p', toolText('run_shell_command'), '--yolo'], apiKeyEnv, (o) => /Tool said/.test(o), 'gemini-key.txt');
  // gemini-cli as a Google-login user through the Code Assist relay (CODE_ASSIST_ENDPOINT); the
  // access token is a placeholder: the relay serves loopback callers from the pool
  const relayEnv = {
    CODE_ASSIST_ENDPOINT: gateway.url,
    GOOGLE_GENAI_USE_GCA: 'true',
    GOOGLE_CLOUD_ACCESS_TOKEN: 'placeholder-token',
    GEMINI_CLI_TRUST_WORKSPACE: 'true',
    GEMINI_SETTINGS: JSON.stringify({ security: { auth: { selectedType: 'oauth-personal' } }, privacy: { usageStatisticsEnabled: false }, telemetry: { enabled: false } }),
  };
  await run('gemini-cli (Code Assist relay) answer', geminiBin, ['-p', 'Say hello'], relayEnv, (o) => /Hello from cli-try@example.com/.test(o));
}

const usage = (await admin.json('GET', '/auth/keys')).body.keys.find((k: { description: string }) => k.description === 'cli clients');
await gateway.stop();
await google.close();
rmSync(work, { recursive: true, force: true });
for (const r of results) console.log(`${r.ok ? 'ok  ' : 'FAIL'} ${r.check}: ${r.detail}`);
console.log(`the key was charged ${usage?.used_quota} units; ${results.filter((r) => r.ok).length} passed, ${results.filter((r) => !r.ok).length} failed`);
process.exit(results.every((r) => r.ok) ? 0 : 1);
