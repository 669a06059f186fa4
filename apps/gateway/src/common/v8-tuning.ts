import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/**
 * Process-wide V8 settings, applied by main.ts (never by startGateway, which tests also run inside
 * their own process). Measured in bench/results/2026-11-21-findings.md, "Fourth update".
 */

/**
 * Lets the old generation grow to live × (1 + percent/100) between full collections. V8's own choice
 * under load is up to 4×, and a heap grown that way stays grown after the load has passed.
 */
export function tuneHeapGrowth(percent: number): void {
  if (percent > 0) setFlagsFromString(`--heap-growing-percent=${percent}`);
}

/**
 * One full collection once the gateway is up. Startup leaves large garbage that nothing else would
 * collect until load arrives: in the embedded default, PGlite's initdb instance and data-folder image
 * (~320 MB of external memory: idle RSS 850 → 530 MB). `gc` is exposed only inside a throw-away
 * context, and the flag is switched off again.
 */
export function collectStartupGarbage(): void {
  setFlagsFromString('--expose-gc');
  try {
    (runInNewContext('gc') as () => void)();
  } finally {
    setFlagsFromString('--no-expose-gc');
  }
}
