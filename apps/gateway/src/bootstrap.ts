import 'reflect-metadata';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { existsSync } from 'node:fs';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import multipart from '@fastify/multipart';
import { AppModule } from './app.module.js';
import { registerJsonBodyParser } from './common/http/json-body-parser.js';
import { buildContainer, type Container } from './container.js';
import { GlobalExceptionFilter } from './common/errors/global-exception.filter.js';
import type { GatewayConfig } from './config/gateway-config.js';
import { createMemoryCoordination, createRedisCoordination, type Coordination } from './coordination/coordination.js';
import { CryptoRepository } from './crypto/crypto.repository.js';
import { loadOrCreateSecret } from './crypto/secrets.js';
import { defaultMigrationsDir, migrateDatabase, openPglite, openPostgres, type Database } from './database/database.js';
import { createLogger, type Logger } from './logging/logger.js';
import { resolveSettings } from './config/gateway-config.js';
import { NestLoggerAdapter } from './logging/nest-logger.adapter.js';
import { LogStreamBuffer } from './logging/log-stream.buffer.js';
import { LogStreamServer } from './logging/log-stream.server.js';
import { registerPanel } from './panel/panel-hosting.js';

export interface GatewayApp {
  app: NestFastifyApplication;
  container: Container;
  logger: Logger;
  /** the address it listens on (after listen) */
  url: string;
  /**
   * Graceful stop: refuse new client requests, stop accepting connections, let in-flight requests and
   * streams finish for up to `graceMs` (default CLIGATE_SHUTDOWN_GRACE_SECONDS), then cut what is left,
   * write pending usage rows and close the stores.
   */
  close(graceMs?: number): Promise<void>;
}

export interface CreateGatewayOptions {
  migrationsDir?: string;
  /** runs once everything is built, just before the server starts listening */
  beforeListen?: () => void;
}

/** The built panel (apps/panel/out) next to this app, when it exists. */
export function defaultPanelDir(): string | null {
  const dir = fileURLToPath(new URL('../../panel/out', import.meta.url));
  return existsSync(dir) ? dir : null;
}

/**
 * Builds and starts the whole gateway: infrastructure (logger, database with migrations applied,
 * coordination, secrets), the service container, Nest on Fastify with the client API routes, then
 * listens. The same function serves main.ts and the end-to-end tests.
 */
export async function startGateway(config: GatewayConfig, options: CreateGatewayOptions = {}): Promise<GatewayApp> {
  const boot = resolveSettings(config.envSettings, {});
  // the panel's live log (/ws/logs) reads the last lines of this process from here
  const logBuffer = new LogStreamBuffer(1_000);
  const logger = createLogger({ level: boot.log_level, file: config.logFile, tap: (line) => logBuffer.push(line) });

  let db: Database | null = null;
  let coordination: Coordination | null = null;
  try {
    db = config.databaseUrl ? await openPostgres(config.databaseUrl, { ledgerSyncCommit: config.ledgerSyncCommit }) : await openPglite(join(config.dataDir, 'db'));
    const applied = await migrateDatabase(db, options.migrationsDir ?? defaultMigrationsDir());
    if (applied.length > 0) logger.info({ migrations: applied }, 'database migrations applied');

    coordination = config.redisUrl ? await createRedisCoordination(config.redisUrl, config.redisPrefix) : createMemoryCoordination(config.redisPrefix);

    const encryption = loadOrCreateSecret(config.encryptionKey, config.dataDir, 'encryption.key');
    const hashing = loadOrCreateSecret(config.keyHashSecret, config.dataDir, 'key-hash.secret');
    for (const [what, secret] of [['encryption key', encryption], ['key hash secret', hashing]] as const) {
      if (secret.origin === 'generated') {
        logger.warn(
          { path: secret.path },
          `generated a new ${what} in the data folder: back it up, and give every gateway process the same one ` +
            `(CLIGATE_ENCRYPTION_KEY / CLIGATE_KEY_HASH_SECRET); without it stored credentials and keys cannot be read`,
        );
      }
    }
    const crypto = new CryptoRepository(encryption.key, hashing.key, config.previousEncryptionKeys);
    const infra = { config, db, coordination, logger, crypto };
    const container = buildContainer(infra);
    await container.start();

    const adapter = new FastifyAdapter({
      bodyLimit: config.bodyLimitBytes,
      logger: false,
      trustProxy: typeof config.trustProxy === 'number' ? trustHops(config.trustProxy) : config.trustProxy,
    });
    const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(infra, container), adapter, {
      logger: new NestLoggerAdapter(logger),
      // our own JSON parser below (nesting limit, protocol-shaped errors)
      bodyParser: false,
    });
    app.useGlobalFilters(new GlobalExceptionFilter(logger));
    // no Nest signal hooks: main.ts owns the signals (graceful drain) and close() runs Nest's shutdown
    // hooks. Nest's own listener (all signals when given none) closed the modules on any of them, even
    // SIGUSR2 taken for a heap snapshot, and re-raised SIGHUP without draining.
    const fastify = app.getHttpAdapter().getInstance();
    fastify.removeContentTypeParser(['application/json']);
    registerJsonBodyParser(fastify, config.bodyLimitBytes);
    await fastify.register(multipart, { limits: { fileSize: 32 * 1024 * 1024, files: 200 } });
    container.relay.register(fastify);
    container.cliRelay.register(fastify);
    if (config.panelDir) await registerPanel(fastify, config.panelDir);
    const logStream = new LogStreamServer({
      buffer: logBuffer,
      authenticate: async (token) => {
        const claims = await container.adminSessions.verifyToken(token);
        return claims ? { jti: claims.jti, exp: claims.exp } : null;
      },
      onRevoked: (listener) => container.adminSessions.onRevoked(listener),
      logger,
    });
    logStream.attach(fastify.server);
    fastify.addHook('preClose', async () => logStream.close());
    await app.init();

    if (config.envCredentials.length > 0) {
      const results = await container.importer.importEnv(config.envCredentials);
      for (const r of results) logger.info({ file: r.filename, status: r.status, message: r.message }, 'env credential');
    }

    const settings = container.settings.get();
    options.beforeListen?.();
    await app.listen({ port: settings.port, host: settings.host });
    const url = (await app.getUrl()).replace('[::1]', '127.0.0.1').replace('0.0.0.0', '127.0.0.1');
    if (settings.password === 'pwd' && !config.envLocked.has('api_password')) {
      logger.warn('the default password "pwd" is in use: set PASSWORD (or API_PASSWORD and PANEL_PASSWORD) before exposing the gateway');
    }
    logger.info(
      { url, database: db.kind, coordination: coordination.mode, pool: container.pool.size() },
      'cligate gateway listening',
    );

    // every HTTP response in flight (client requests and streams, admin API, panel files): a shutdown
    // lets them all finish within the grace period
    let inflight = 0;
    fastify.server.on('request', (_req, res) => {
      inflight += 1;
      res.once('close', () => (inflight -= 1));
    });
    let closing: Promise<void> | null = null;
    const dbRef = db;
    const coordRef = coordination;
    return {
      app,
      container,
      logger,
      url,
      close(graceMs = config.shutdownGraceMs) {
        closing ??= (async () => {
          container.relay.startDraining();
          const server = fastify.server;
          server.close();
          server.closeIdleConnections();
          const deadline = Date.now() + graceMs;
          while (inflight > 0 && Date.now() < deadline) {
            await new Promise((r) => setTimeout(r, 50));
          }
          if (inflight > 0) logger.warn({ requests: inflight, graceMs }, 'grace period over: closing the remaining connections');
          server.closeAllConnections();
          await app.close().catch(() => {});
          await container.stop().catch(() => {});
          await coordRef.close().catch(() => {});
          await dbRef.close().catch(() => {});
          logger.flush();
        })();
        return closing;
      },
    };
  } catch (error) {
    await coordination?.close().catch(() => {});
    await db?.close().catch(() => {});
    logger.flush();
    throw error;
  }
}

/** X-Forwarded-For trusted for this many proxy hops. */
function trustHops(hops: number): (address: string, hop: number) => boolean {
  return (_address, hop) => hop < hops;
}
