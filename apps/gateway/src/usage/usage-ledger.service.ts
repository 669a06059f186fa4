import type { Logger } from '../logging/logger.js';
import type { KeyUsageAfterCommit, UsageEntry, UsageLedgerRepository } from './usage-ledger.repository.js';

interface Pending {
  entry: UsageEntry;
  /** runs synchronously the moment the row is durable (before any other await) */
  onCommitted?: (committed: KeyUsageAfterCommit | undefined) => void;
  resolve: (committed: KeyUsageAfterCommit | undefined) => void;
  reject: (error: Error) => void;
}

const MAX_BATCH = 256;
/**
 * Independent group-commit lanes. A key's rows always go to the same lane, so two batches written at
 * once never update the same api_keys row (no lock waits, no deadlocks), and a row never waits behind
 * a whole batch of other keys' rows.
 */
const LANES = 4;

interface Lane {
  queue: Pending[];
  scheduled: boolean;
  writing: Promise<void> | null;
}

function laneOf(apiKeyId: string | null): number {
  if (apiKeyId === null) return 0;
  let h = 0;
  for (let i = 0; i < apiKeyId.length; i++) h = (h * 31 + apiKeyId.charCodeAt(i)) | 0;
  return Math.abs(h) % LANES;
}

/**
 * Group commit for the usage ledger: rows queued during one turn of the event loop are written by one
 * statement per lane, so durability costs one database round trip per batch, not per request.
 * `record()` resolves once the row is committed (or was already there), with the key's used quota
 * after it.
 */
export class UsageLedgerService {
  private readonly lanes: Lane[] = Array.from({ length: LANES }, () => ({ queue: [], scheduled: false, writing: null }));

  constructor(
    private readonly repository: UsageLedgerRepository,
    private readonly logger: Logger,
  ) {}

  /**
   * Queues a usage row. `onCommitted` runs synchronously, for every row of the batch in a row, as soon
   * as the batch's result is read: the relay writes the client's answer there, so nothing else (no
   * other I/O, no timer) runs between "charged" and "answer handed to the kernel".
   */
  record(entry: UsageEntry, onCommitted?: (committed: KeyUsageAfterCommit | undefined) => void): Promise<KeyUsageAfterCommit | undefined> {
    return new Promise((resolve, reject) => {
      const lane = this.lanes[laneOf(entry.apiKeyId)]!;
      lane.queue.push(onCommitted ? { entry, onCommitted, resolve, reject } : { entry, resolve, reject });
      if (lane.queue.length >= MAX_BATCH) this.pump(lane);
      else if (!lane.scheduled) {
        lane.scheduled = true;
        setImmediate(() => this.pump(lane));
      }
    });
  }

  pending(): number {
    return this.lanes.reduce((n, lane) => n + lane.queue.length, 0);
  }

  /** Resolves when everything queued so far is written (shutdown). */
  async drain(): Promise<void> {
    for (;;) {
      const busy = this.lanes.filter((lane) => lane.queue.length > 0 || lane.writing !== null || lane.scheduled);
      if (busy.length === 0) return;
      for (const lane of busy) this.pump(lane);
      const writes = busy.map((lane) => lane.writing).filter((w): w is Promise<void> => w !== null);
      if (writes.length > 0) await Promise.race(writes);
      else await new Promise((r) => setImmediate(r));
    }
  }

  /** Writes the lane's next batch unless one is being written (its end starts the next). */
  private pump(lane: Lane): void {
    lane.scheduled = false;
    if (lane.writing !== null || lane.queue.length === 0) return;
    const batch = lane.queue.splice(0, MAX_BATCH);
    lane.writing = this.write(batch).finally(() => {
      lane.writing = null;
      if (lane.queue.length > 0) this.pump(lane);
    });
  }

  private async write(batch: Pending[]): Promise<void> {
    try {
      const committed = await this.repository.insertBatch(batch.map((p) => p.entry));
      const byKey = new Map(committed.map((c) => [c.apiKeyId, c]));
      for (const p of batch) {
        if (!p.onCommitted) continue;
        try {
          p.onCommitted(p.entry.apiKeyId ? byKey.get(p.entry.apiKeyId) : undefined);
        } catch {
          // the client went away: the charge stands (its answer was ready)
        }
      }
      for (const p of batch) p.resolve(p.entry.apiKeyId ? byKey.get(p.entry.apiKeyId) : undefined);
    } catch (error) {
      this.logger.error({ err: (error as Error).message, rows: batch.length }, 'usage ledger write failed');
      for (const p of batch) p.reject(error as Error);
    }
  }
}
