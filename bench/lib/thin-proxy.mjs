/**
 * The reference for "what Node can do": a thin fastify + undici passthrough. POST /v1/chat/completions
 * is forwarded byte for byte to UPSTREAM (the OpenAI mock) over a keep-alive pool, and the answer
 * (JSON or SSE) is streamed back. No key check, no translation, no logging, no accounting.
 *
 * env: PORT (0 = any), UPSTREAM (http://127.0.0.1:N). Reports its port with an IPC 'ready' message.
 */
import Fastify from 'fastify';
import { Pool } from 'undici';

const upstream = process.env.UPSTREAM;
if (!upstream) throw new Error('UPSTREAM is required');
const pool = new Pool(upstream, { connections: null, pipelining: 1, keepAliveTimeout: 30_000, headersTimeout: 0, bodyTimeout: 0 });

const app = Fastify({ logger: false });
// keep the body as bytes: a passthrough does not need to parse it
app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

app.post('/v1/chat/completions', async (req, reply) => {
  const res = await pool.request({
    path: '/v1/chat/completions',
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: req.headers.authorization ?? '' },
    body: req.body,
  });
  reply.code(res.statusCode);
  const type = res.headers['content-type'];
  if (type) reply.header('content-type', type);
  const length = res.headers['content-length'];
  if (length) reply.header('content-length', length);
  return reply.send(res.body);
});

await app.listen({ port: Number(process.env.PORT ?? 0), host: '127.0.0.1' });
const port = app.server.address().port;
if (process.send) process.send({ type: 'ready', port });
else console.log(`thin proxy on ${port}`);
process.on('disconnect', () => process.exit(0));
process.on('SIGTERM', () => process.exit(0));
