import { setFlagsFromString } from 'node:v8';
import type { PrismaClient } from '../generated/prisma/client.js';

/**
 * Loads Prisma's query compiler (a 3.4 MB WebAssembly module) with V8's baseline compiler only.
 *
 * The compiler runs on cold paths (admin pages, key and credential cache misses, jobs), never per
 * proxied request, yet V8's dynamic tiering recompiles its hot functions with TurboFan during the
 * first queries and keeps that code and the compile arenas for the life of the process: 60–75 MB of
 * RSS measured on an idle gateway (bench/results/2026-11-21-findings.md, "Fourth update"). The flag
 * is set only while Prisma compiles its module (`new WebAssembly.Module`, synchronous inside
 * `$connect`) and restored right after, so modules compiled later (undici's HTTP parser, PGlite) keep
 * V8's normal tiering. A failed connect is left to the first real query to report.
 */
export async function connectWithBaselineCompiler(prisma: PrismaClient): Promise<void> {
  setFlagsFromString('--liftoff-only');
  try {
    await prisma.$connect();
  } catch {
    // the query compiler is loaded before any connection is attempted; connection errors surface on use
  } finally {
    setFlagsFromString('--no-liftoff-only');
  }
}
