import { once } from 'node:events';
import type { ServerResponse } from 'node:http';

/**
 * The client side of a streamed answer: headers committed once, frames written with backpressure
 * (a slow client pauses the upstream read instead of buffering without bound).
 */
export class SseResponse {
  private closed = false;

  constructor(private readonly res: ServerResponse) {
    res.once('close', () => {
      this.closed = true;
    });
  }

  get isClosed(): boolean {
    return this.closed || this.res.destroyed;
  }

  open(headers: Record<string, string>): void {
    this.res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
      ...headers,
    });
  }

  /** Writes text; resolves once the socket can take more. */
  async write(text: string): Promise<void> {
    if (text.length === 0 || this.isClosed) return;
    if (!this.res.write(text)) {
      await Promise.race([once(this.res, 'drain'), once(this.res, 'close')]);
    }
  }

  end(text?: string): void {
    if (this.isClosed) return;
    if (text) this.res.end(text);
    else this.res.end();
  }
}
