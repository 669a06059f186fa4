import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { collectStartupGarbage } from './v8-tuning.js';

describe('collectStartupGarbage', () => {
  it('runs a full collection without leaving gc exposed', async () => {
    const ref = (() => new WeakRef({ payload: new Array(100_000).fill(1) }))();
    // a WeakRef target stays alive until the job that created it ends
    await new Promise((resolve) => setImmediate(resolve));
    collectStartupGarbage();
    expect(ref.deref()).toBeUndefined();
    // the flag is off again: a context created now has no gc
    expect(runInNewContext('typeof gc')).toBe('undefined');
  });
});
