import { Queue, Worker, type ConnectionOptions, type Job } from 'bullmq';
import type { Logger } from '../logging/logger.js';

export interface JobDefinition {
  name: string;
  /** how often it runs */
  everyMs: number;
  /** idempotent work; throwing makes the runner retry with backoff */
  run(): Promise<Record<string, unknown> | void>;
}

export interface JobStatus {
  name: string;
  everyMs: number;
  lastRunAt: string | null;
  lastResult: Record<string, unknown> | null;
  lastError: string | null;
  runs: number;
  failures: number;
}

export interface QueueState {
  backend: 'bullmq' | 'in-process';
  counts: Record<string, number>;
  failed: Array<{ name: string; at: string; error: string; attempts: number }>;
  jobs: JobStatus[];
}

export const JOB_RUNNER = Symbol('JOB_RUNNER');

/** Background jobs: BullMQ with Redis (each run happens once across processes), timers otherwise. */
export interface JobRunner {
  start(jobs: JobDefinition[]): Promise<void>;
  /** runs a job now in this process (admin "run now", tests) */
  runNow(name: string): Promise<Record<string, unknown> | void>;
  state(): Promise<QueueState>;
  stop(): Promise<void>;
}

const ATTEMPTS = 3;
const BACKOFF_MS = 2_000;

class StatusBook {
  readonly byName = new Map<string, JobStatus>();

  register(job: JobDefinition): void {
    this.byName.set(job.name, { name: job.name, everyMs: job.everyMs, lastRunAt: null, lastResult: null, lastError: null, runs: 0, failures: 0 });
  }

  ok(name: string, result: Record<string, unknown> | void): void {
    const s = this.byName.get(name);
    if (!s) return;
    s.runs += 1;
    s.lastRunAt = new Date().toISOString();
    s.lastResult = result ?? null;
    s.lastError = null;
  }

  failed(name: string, error: Error): void {
    const s = this.byName.get(name);
    if (!s) return;
    s.failures += 1;
    s.lastRunAt = new Date().toISOString();
    s.lastError = error.message;
  }
}

export class InProcessJobRunner implements JobRunner {
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly jobs = new Map<string, JobDefinition>();
  private readonly book = new StatusBook();
  private readonly failures: QueueState['failed'] = [];
  private readonly running = new Set<string>();

  constructor(private readonly logger: Logger) {}

  async start(jobs: JobDefinition[]): Promise<void> {
    for (const job of jobs) {
      this.jobs.set(job.name, job);
      this.book.register(job);
      const timer = setInterval(() => void this.tick(job.name), job.everyMs);
      timer.unref();
      this.timers.push(timer);
    }
  }

  private async tick(name: string): Promise<void> {
    if (this.running.has(name)) return;
    this.running.add(name);
    try {
      for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
        try {
          await this.runNow(name);
          return;
        } catch (error) {
          if (attempt === ATTEMPTS) {
            this.failures.unshift({ name, at: new Date().toISOString(), error: (error as Error).message, attempts: attempt });
            this.failures.length = Math.min(this.failures.length, 50);
            this.logger.warn({ job: name, err: (error as Error).message }, 'background job failed');
          } else await new Promise((r) => setTimeout(r, BACKOFF_MS * 2 ** (attempt - 1)).unref());
        }
      }
    } finally {
      this.running.delete(name);
    }
  }

  async runNow(name: string) {
    const job = this.jobs.get(name);
    if (!job) throw new Error(`unknown job ${name}`);
    try {
      const result = await job.run();
      this.book.ok(name, result);
      return result;
    } catch (error) {
      this.book.failed(name, error as Error);
      throw error;
    }
  }

  async state(): Promise<QueueState> {
    return { backend: 'in-process', counts: { running: this.running.size }, failed: [...this.failures], jobs: [...this.book.byName.values()] };
  }

  async stop(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
  }
}

/**
 * BullMQ: one queue, a job scheduler per job (upserted by every process: same id, so it exists once),
 * a worker in every process (BullMQ hands each run to exactly one of them), retries with exponential
 * backoff, failures kept for the panel.
 */
export class BullMqJobRunner implements JobRunner {
  private queue: Queue | null = null;
  private worker: Worker | null = null;
  private readonly jobs = new Map<string, JobDefinition>();
  private readonly book = new StatusBook();

  constructor(
    private readonly connection: ConnectionOptions,
    private readonly prefix: string,
    private readonly logger: Logger,
  ) {}

  async start(jobs: JobDefinition[]): Promise<void> {
    for (const job of jobs) {
      this.jobs.set(job.name, job);
      this.book.register(job);
    }
    this.queue = new Queue('cligate-maintenance', { connection: this.connection, prefix: this.prefix });
    this.queue.on('error', () => {});
    for (const job of jobs) {
      await this.queue.upsertJobScheduler(
        job.name,
        { every: job.everyMs },
        {
          name: job.name,
          opts: { attempts: ATTEMPTS, backoff: { type: 'exponential', delay: BACKOFF_MS }, removeOnComplete: 100, removeOnFail: 200 },
        },
      );
    }
    this.worker = new Worker(
      'cligate-maintenance',
      async (job: Job) => {
        const result = await this.runNow(job.name);
        return result ?? null;
      },
      { connection: this.connection, prefix: this.prefix, concurrency: 2 },
    );
    this.worker.on('error', () => {});
    this.worker.on('failed', (job, error) => {
      if (job && job.attemptsMade >= ATTEMPTS) this.logger.warn({ job: job.name, err: error.message }, 'background job failed');
    });
  }

  async runNow(name: string) {
    const job = this.jobs.get(name);
    if (!job) throw new Error(`unknown job ${name}`);
    try {
      const result = await job.run();
      this.book.ok(name, result);
      return result;
    } catch (error) {
      this.book.failed(name, error as Error);
      throw error;
    }
  }

  async state(): Promise<QueueState> {
    const queue = this.queue;
    if (!queue) return { backend: 'bullmq', counts: {}, failed: [], jobs: [...this.book.byName.values()] };
    const [counts, failedJobs] = await Promise.all([
      queue.getJobCounts('waiting', 'active', 'delayed', 'completed', 'failed'),
      queue.getFailed(0, 19),
    ]);
    return {
      backend: 'bullmq',
      counts,
      failed: failedJobs.map((j) => ({
        name: j.name,
        at: new Date(j.finishedOn ?? j.timestamp).toISOString(),
        error: j.failedReason ?? 'failed',
        attempts: j.attemptsMade,
      })),
      jobs: [...this.book.byName.values()],
    };
  }

  async stop(): Promise<void> {
    await this.worker?.close().catch(() => {});
    await this.queue?.close().catch(() => {});
  }
}
