import { ConfigError, loadGatewayConfig } from './config/gateway-config.js';
import { defaultPanelDir, startGateway, type GatewayApp } from './bootstrap.js';
import { collectStartupGarbage, tuneHeapGrowth } from './common/v8-tuning.js';

async function main(): Promise<void> {
  let config;
  try {
    config = loadGatewayConfig(process.env, { cwd: process.cwd(), panelDir: defaultPanelDir() });
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`cligate: ${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  tuneHeapGrowth(config.heapGrowingPercent);
  // handlers first: a signal that arrives while the gateway starts stops it as soon as it is up
  let gateway: GatewayApp | null = null;
  let requested: NodeJS.Signals | null = null;
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    requested ??= signal;
    if (gateway === null || stopping) return;
    stopping = true;
    gateway.logger.info({ signal: requested }, 'shutting down');
    const timer = setTimeout(() => process.exit(1), config.shutdownGraceMs + 5_000);
    timer.unref();
    void gateway.close().then(() => process.exit(0));
  };
  // SIGHUP too: a closed terminal or a supervisor's hang-up drains like a stop, it does not cut streams
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.on(signal, () => stop(signal));
  // startup garbage is collected before the first connection, so no request waits for that collection
  gateway = await startGateway(config, { beforeListen: collectStartupGarbage });
  if (requested !== null) stop(requested);
}

main().catch((error: unknown) => {
  process.stderr.write(`cligate: failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
