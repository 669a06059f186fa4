/**
 * The last log lines of this process, for the panel's live log: fed by the logger's `tap` (one
 * formatted JSON line per call), bounded, with listeners for new lines. A listener that throws is
 * dropped, so a broken socket can never disturb logging.
 */
export class LogStreamBuffer {
  private readonly lines: string[] = [];
  private start = 0;
  private readonly listeners = new Set<(line: string) => void>();

  constructor(readonly capacity = 1_000) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new Error('capacity must be a positive integer');
  }

  push(raw: string): void {
    const line = raw.trimEnd();
    if (!line) return;
    if (this.lines.length < this.capacity) this.lines.push(line);
    else {
      this.lines[this.start] = line;
      this.start = (this.start + 1) % this.capacity;
    }
    for (const listener of this.listeners) {
      try {
        listener(line);
      } catch {
        this.listeners.delete(listener);
      }
    }
  }

  /** The newest `count` lines (all by default), oldest first. */
  recent(count = this.capacity): string[] {
    const ordered = this.lines.length < this.capacity ? this.lines : [...this.lines.slice(this.start), ...this.lines.slice(0, this.start)];
    return count >= ordered.length ? [...ordered] : ordered.slice(ordered.length - count);
  }

  get size(): number {
    return this.lines.length;
  }

  subscribe(listener: (line: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
