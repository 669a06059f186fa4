import { Controller, Get, Inject, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { COORDINATION, type Coordination } from '../coordination/coordination.js';
import { DATABASE, type Database } from '../database/database.js';

/** 200 once the database (and Redis, when configured) answer; 503 naming what is down otherwise. */
@Controller()
export class HealthController {
  constructor(
    @Inject(DATABASE) private readonly db: Database,
    @Inject(COORDINATION) private readonly coordination: Coordination,
  ) {}

  @Get('health')
  async health(@Res() reply: FastifyReply) {
    const [database, redis] = await Promise.all([
      withTimeout(this.db.ping(), 2_000).then(() => 'ok', (e: Error) => `down: ${e.message}`),
      this.coordination.mode === 'redis'
        ? withTimeout(this.coordination.ping(), 2_000).then(() => 'ok', (e: Error) => `down: ${e.message}`)
        : Promise.resolve('not configured (in-process coordination)'),
    ]);
    const healthy = database === 'ok' && (redis === 'ok' || this.coordination.mode === 'memory');
    void reply.status(healthy ? 200 : 503).send({
      status: healthy ? 'ok' : 'unavailable',
      database: { kind: this.db.kind, status: database },
      redis,
    });
  }
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('timed out')), ms);
    p.then(
      (v) => {
        clearTimeout(t);
        resolve(v);
      },
      (e) => {
        clearTimeout(t);
        reject(e);
      },
    );
  });
}
