/**
 * Minimal, fast mock upstreams for the benchmark, in one process (started with fork() by run.mjs,
 * which reads the ports from the IPC 'ready' message):
 *
 *   Code Assist (what cligate calls): POST /v1internal:generateContent → one fixed envelope;
 *     POST /v1internal:streamGenerateContent?alt=sse → 20 SSE events, then the end; POST /token,
 *     GET /oauth2/v2/userinfo, POST /v1internal:loadCodeAssist → just enough to import a credential.
 *   OpenAI-compatible (what the thin proxy and Portkey call): POST /v1/chat/completions → one fixed
 *     chat.completion, or (body contains "stream":true) 20 chunks then `data: [DONE]`.
 *
 * Written for speed: every answer is a prebuilt Buffer, no parsing, no per-request bookkeeping, no
 * artificial delay. The only state is the "hold" switch used by the open-streams scenario: while it is
 * on, a stream answer sends its headers and first event and then waits until `POST /__bench/release`.
 * `GET /__bench/held` tells how many are waiting.
 */
import { createServer } from 'node:http';

const MODEL = 'gemini-2.5-flash';
const CHUNKS = 20;
const WORDS = ['Hello', ' there', '!', ' This', ' is', ' a', ' fixed', ' answer', ' from', ' the', ' mock', ' upstream', ',', ' twenty', ' small', ' chunks', ' in', ' one', ' stream', '.'];
const TEXT = WORDS.join('');
const CREATED = '2026-01-01T00:00:00.000000Z';

// ------------------------------------------------------------------ Code Assist bodies
const usage = { promptTokenCount: 8, candidatesTokenCount: 20, totalTokenCount: 28, trafficType: 'PROVISIONED_THROUGHPUT' };
const envelope = (parts, last) => ({
  response: {
    candidates: [{ content: { role: 'model', parts }, ...(last ? { finishReason: 'STOP' } : {}) }],
    ...(last ? { usageMetadata: usage } : {}),
    modelVersion: MODEL,
    createTime: CREATED,
    responseId: 'benchResponseId0001',
  },
  traceId: 'benchtrace0001',
});
const CA_GENERATE = Buffer.from(JSON.stringify(envelope([{ text: TEXT }], true)));
const CA_EVENTS = WORDS.map((w, i) => Buffer.from(`data: ${JSON.stringify(envelope([{ text: w }], i === CHUNKS - 1))}\n\n`));
const CA_LOAD = Buffer.from(
  JSON.stringify({
    currentTier: { id: 'free-tier', name: 'Gemini Code Assist for individuals', userDefinedCloudaicompanionProject: false },
    allowedTiers: [{ id: 'free-tier', isDefault: true }],
    cloudaicompanionProject: 'bench-project-0001',
    gcpManaged: false,
  }),
);
const TOKEN = Buffer.from(
  JSON.stringify({ access_token: 'ya29.bench-access-token', expires_in: 3599, token_type: 'Bearer', scope: 'https://www.googleapis.com/auth/cloud-platform' }),
);
const USERINFO = Buffer.from(JSON.stringify({ id: '100000000000000000001', email: 'bench@example.com', verified_email: true }));
const EMPTY = Buffer.from('{}');
const NOT_FOUND = Buffer.from(JSON.stringify({ error: { code: 404, message: 'not found', status: 'NOT_FOUND' } }));

// ------------------------------------------------------------------ OpenAI bodies
const OA_COMPLETION = Buffer.from(
  JSON.stringify({
    id: 'chatcmpl-bench0001',
    object: 'chat.completion',
    created: 1767225600,
    model: 'gpt-4o-mini',
    choices: [{ index: 0, message: { role: 'assistant', content: TEXT }, finish_reason: 'stop', logprobs: null }],
    usage: { prompt_tokens: 8, completion_tokens: 20, total_tokens: 28 },
  }),
);
const OA_EVENTS = WORDS.map((w, i) =>
  Buffer.from(
    `data: ${JSON.stringify({
      id: 'chatcmpl-bench0001',
      object: 'chat.completion.chunk',
      created: 1767225600,
      model: 'gpt-4o-mini',
      choices: [{ index: 0, delta: i === 0 ? { role: 'assistant', content: w } : { content: w }, finish_reason: i === CHUNKS - 1 ? 'stop' : null }],
    })}\n\n`,
  ),
);
const OA_DONE = Buffer.from('data: [DONE]\n\n');
const STREAM_MARKER = Buffer.from('"stream":true');

const JSON_HEADERS = (len) => ({ 'content-type': 'application/json; charset=UTF-8', 'content-length': len });
const SSE_HEADERS = { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' };
const H_CA_GENERATE = JSON_HEADERS(CA_GENERATE.length);
const H_OA_COMPLETION = JSON_HEADERS(OA_COMPLETION.length);

// ------------------------------------------------------------------ hold switch (open-streams scenario)
let holding = false;
/** streams waiting for release: [res, remaining buffers] */
let held = [];

function sendJson(res, status, body, headers) {
  res.writeHead(status, headers ?? JSON_HEADERS(body.length));
  res.end(body);
}

function sendStream(res, events, done) {
  res.writeHead(200, SSE_HEADERS);
  if (holding) {
    res.write(events[0]);
    held.push(res, events, done);
    return;
  }
  for (let i = 0; i < events.length; i++) res.write(events[i]);
  if (done) res.end(done);
  else res.end();
}

function release() {
  const list = held;
  held = [];
  holding = false;
  for (let i = 0; i < list.length; i += 3) {
    const res = list[i];
    const events = list[i + 1];
    const done = list[i + 2];
    if (res.destroyed) continue;
    for (let j = 1; j < events.length; j++) res.write(events[j]);
    if (done) res.end(done);
    else res.end();
  }
  return list.length / 3;
}

function control(req, res) {
  const path = req.url;
  if (path === '/__bench/hold') {
    holding = true;
    return sendJson(res, 200, EMPTY);
  }
  if (path === '/__bench/release') {
    const n = release();
    return sendJson(res, 200, Buffer.from(JSON.stringify({ released: n })));
  }
  if (path === '/__bench/held') {
    return sendJson(res, 200, Buffer.from(JSON.stringify({ held: held.length / 3, holding })));
  }
  return sendJson(res, 404, NOT_FOUND);
}

// ------------------------------------------------------------------ servers
function codeAssist(req, res) {
  const url = req.url;
  if (url.charCodeAt(1) === 95) return control(req, res); // "/__bench/..."
  const answer = () => {
    if (url === '/v1internal:generateContent') return sendJson(res, 200, CA_GENERATE, H_CA_GENERATE);
    if (url === '/v1internal:streamGenerateContent?alt=sse') return sendStream(res, CA_EVENTS, null);
    if (url === '/token') return sendJson(res, 200, TOKEN);
    if (url.startsWith('/oauth2/v2/userinfo')) return sendJson(res, 200, USERINFO);
    if (url === '/v1internal:loadCodeAssist') return sendJson(res, 200, CA_LOAD);
    if (url.startsWith('/v1internal')) return sendJson(res, 200, EMPTY);
    return sendJson(res, 404, NOT_FOUND);
  };
  // answer once the request body has been read (as a real server would); nothing is kept from it
  req.on('data', noop);
  req.on('end', answer);
}

function openAi(req, res) {
  const url = req.url;
  if (url.charCodeAt(1) === 95) return control(req, res);
  if (url !== '/v1/chat/completions' || req.method !== 'POST') return sendJson(res, 404, NOT_FOUND);
  let stream = false;
  req.on('data', (chunk) => {
    if (!stream && chunk.indexOf(STREAM_MARKER) !== -1) stream = true;
  });
  req.on('end', () => {
    if (stream) sendStream(res, OA_EVENTS, OA_DONE);
    else sendJson(res, 200, OA_COMPLETION, H_OA_COMPLETION);
  });
}

function noop() {}

function listen(handler) {
  const server = createServer({ keepAliveTimeout: 120_000, requestTimeout: 0, headersTimeout: 60_000 }, handler);
  server.maxHeadersCount = 0;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

const [ca, oa] = await Promise.all([listen(codeAssist), listen(openAi)]);
const ports = { codeAssist: ca.address().port, openai: oa.address().port };
if (process.send) process.send({ type: 'ready', ports });
else console.log(JSON.stringify(ports));
process.on('disconnect', () => process.exit(0));
process.on('SIGTERM', () => process.exit(0));
