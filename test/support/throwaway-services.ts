import { execFileSync, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Throwaway Postgres and Redis servers on spare ports, for fault tests that stop and restart them
 * under load (never the shared instances other tests use). Started with the same commands .ci/run
 * uses (environment.md §10).
 */
async function waitPort(port: number, open: boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const isOpen = await new Promise<boolean>((resolve) => {
      const socket = createConnection({ host: '127.0.0.1', port }, () => {
        socket.destroy();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
    if (isOpen === open) return;
    if (Date.now() > deadline) throw new Error(`port ${port} did not ${open ? 'open' : 'close'}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export class ThrowawayRedis {
  readonly dir = mkdtempSync(join(tmpdir(), 'cligate-redis-'));
  constructor(readonly port: number) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    execFileSync('redis-server', [
      '--bind', '127.0.0.1', '--port', String(this.port), '--daemonize', 'yes', '--save', '', '--appendonly', 'no',
      '--dir', this.dir, '--pidfile', join(this.dir, 'redis.pid'), '--logfile', join(this.dir, 'redis.log'),
    ]);
    await waitPort(this.port, true);
  }

  async stop(): Promise<void> {
    spawnSync('redis-cli', ['-p', String(this.port), 'shutdown', 'nosave']);
    await waitPort(this.port, false);
  }

  async destroy(): Promise<void> {
    await this.stop().catch(() => {});
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Durable settings on purpose (fsync and synchronous commit on): an immediate stop is a crash, and no committed charge may be lost. */
export class ThrowawayPostgres {
  readonly dir = mkdtempSync(join(tmpdir(), 'cligate-pg-'));
  private readonly bin: string;

  constructor(readonly port: number) {
    const versions = readdirSync('/usr/lib/postgresql').sort((a, b) => Number(a) - Number(b));
    this.bin = `/usr/lib/postgresql/${versions.at(-1)}/bin`;
    chownSync(this.dir, ...ids('postgres'));
    execFileSync('runuser', ['-u', 'postgres', '--', `${this.bin}/initdb`, '-D', join(this.dir, 'data'), '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C.UTF-8'], { stdio: 'ignore' });
  }

  get url(): string {
    return `postgresql://postgres@127.0.0.1:${this.port}/postgres`;
  }

  async start(): Promise<void> {
    execFileSync('runuser', [
      '-u', 'postgres', '--', `${this.bin}/pg_ctl`, '-D', join(this.dir, 'data'), '-l', join(this.dir, 'pg.log'), '-w',
      '-o', `-c listen_addresses=127.0.0.1 -p ${this.port} -k ${this.dir}`, 'start',
    ], { stdio: 'ignore' });
    await waitPort(this.port, true);
  }

  async stop(): Promise<void> {
    execFileSync('runuser', ['-u', 'postgres', '--', `${this.bin}/pg_ctl`, '-D', join(this.dir, 'data'), '-m', 'immediate', 'stop'], { stdio: 'ignore' });
    await waitPort(this.port, false);
  }

  async destroy(): Promise<void> {
    if (existsSync(join(this.dir, 'data', 'postmaster.pid'))) await this.stop().catch(() => {});
    rmSync(this.dir, { recursive: true, force: true });
  }
}

function ids(user: string): [number, number] {
  const line = readFileSync('/etc/passwd', 'utf8').split('\n').find((l) => l.startsWith(`${user}:`));
  if (!line) throw new Error(`no ${user} user`);
  const parts = line.split(':');
  return [Number(parts[2]), Number(parts[3])];
}
