import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ARTIFACTS_DIR } from './env.js';
import { registerSecrets } from './secrets.js';

const MAIN = fileURLToPath(new URL('../../apps/gateway/dist/main.js', import.meta.url));

export interface GatewayProcess {
  url: string;
  pid: number;
  dataDir: string;
  /** every log line so far (JSON lines as text) */
  logs(): string[];
  /** log entries parsed */
  entries(): Array<Record<string, unknown>>;
  waitForLog(predicate: (entry: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<Record<string, unknown>>;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
  kill9(): Promise<void>;
}

export interface StartGatewayOptions {
  env: Record<string, string | undefined>;
  /** name for the log artifact */
  name: string;
  /** reuse a data folder (embedded restarts) */
  dataDir?: string;
  timeoutMs?: number;
}

/**
 * Starts the built gateway (apps/gateway/dist/main.js) as a real process on a free port, with a
 * clean environment plus `env`, and resolves once it logs that it listens. Its output is kept in
 * memory and written to `.ci/artifacts/logs/<name>.log`.
 */
export async function startGatewayProcess(options: StartGatewayOptions): Promise<GatewayProcess> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'cligate-test-'));
  const ownDataDir = options.dataDir === undefined;
  mkdirSync(join(ARTIFACTS_DIR, 'logs'), { recursive: true });
  const artifact = createWriteStream(join(ARTIFACTS_DIR, 'logs', `${options.name}.log`), { flags: 'a' });
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: process.env.HOME ?? '/tmp',
    NODE_ENV: 'production',
    PORT: '0',
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    LOG_LEVEL: 'info',
    CLIGATE_PANEL_DIR: '',
  };
  for (const [k, v] of Object.entries(options.env)) if (v !== undefined) env[k] = v;
  registerSecrets(
    Object.entries(env)
      .filter(([k]) => /PASSWORD|KEY|SECRET/.test(k) && !/^(PATH|HOME)$/.test(k))
      .map(([, v]) => v),
  );
  for (const [k, v] of Object.entries(env)) {
    if (k.startsWith('GCLI_CREDS_')) {
      const text = v.trim().startsWith('{') ? v : Buffer.from(v, 'base64').toString('utf8');
      try {
        const file = JSON.parse(text) as Record<string, unknown>;
        registerSecrets([file.refresh_token as string, file.token as string, file.access_token as string]);
      } catch {
        // not JSON: nothing to register
      }
    }
  }
  const child: ChildProcess = spawn(process.execPath, [MAIN], { env, cwd: dataDir, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  let partial = '';
  const waiters: Array<() => void> = [];
  const onData = (chunk: Buffer) => {
    artifact.write(chunk);
    partial += chunk.toString('utf8');
    const parts = partial.split('\n');
    partial = parts.pop() ?? '';
    for (const line of parts) if (line.trim()) lines.push(line);
    for (const w of waiters.splice(0)) w();
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  const parse = () =>
    lines.map((l) => {
      try {
        return JSON.parse(l) as Record<string, unknown>;
      } catch {
        return { msg: l } as Record<string, unknown>;
      }
    });

  const waitForLog = async (predicate: (e: Record<string, unknown>) => boolean, timeoutMs = 15_000) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = parse().find(predicate);
      if (found) return found;
      if (child.exitCode !== null) throw new Error(`gateway ${options.name} exited (${child.exitCode}):\n${lines.slice(-20).join('\n')}`);
      if (Date.now() > deadline) throw new Error(`timed out waiting for a log line in ${options.name}:\n${lines.slice(-20).join('\n')}`);
      await new Promise<void>((r) => {
        const t = setTimeout(r, 100);
        waiters.push(() => {
          clearTimeout(t);
          r();
        });
      });
    }
  };

  const listening = await waitForLog((e) => e.msg === 'cligate gateway listening', options.timeoutMs ?? 90_000);
  const cleanup = () => {
    artifact.end();
    if (ownDataDir) rmSync(dataDir, { recursive: true, force: true });
  };
  return {
    url: String(listening.url),
    pid: child.pid!,
    dataDir,
    logs: () => [...lines],
    entries: parse,
    waitForLog,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null) child.kill(signal);
      const code = await Promise.race([exited, new Promise<null>((r) => setTimeout(() => r(null), 15_000))]);
      if (child.exitCode === null) {
        child.kill('SIGKILL');
        await exited;
      }
      cleanup();
      return code;
    },
    async kill9() {
      child.kill('SIGKILL');
      await exited;
      artifact.end();
    },
  };
}
