import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CredentialRow, CredentialsRepository } from '../../credentials/credentials.repository.js';

/**
 * A credentials row as the database fills in its defaults (an enabled gemini-cli upload that never
 * failed nor served), with `columns` over them (unit tests).
 */
export function credentialRow(columns: Pick<CredentialRow, 'id' | 'filename' | 'secretCiphertext'> & Partial<CredentialRow>): CredentialRow {
  const now = new Date();
  return {
    kind: 'gemini-cli',
    email: null,
    projectId: null,
    tier: null,
    enabled: true,
    disabledReason: null,
    errorCodes: [],
    lastErrorCode: null,
    lastErrorMessage: null,
    lastErrorAt: null,
    lastSuccessAt: null,
    accessTokenExpiresAt: null,
    proxyUrl: null,
    callCount: 0n,
    source: 'upload',
    providerId: null,
    createdAt: now,
    updatedAt: now,
    ...columns,
  };
}

/** The part of CredentialsRepository the OAuth account code uses, in memory (unit tests). */
export function memoryCredentials(): CredentialsRepository & { rows: Map<string, CredentialRow> } {
  const rows = new Map<string, CredentialRow>();
  const apply = (row: CredentialRow, data: Record<string, unknown>) => {
    for (const [k, v] of Object.entries(data)) (row as unknown as Record<string, unknown>)[k] = v;
    row.updatedAt = new Date();
    return { ...row };
  };
  return {
    rows,
    async findById(id: string) {
      const row = rows.get(id);
      return row ? { ...row } : null;
    },
    async findByFilename(filename: string) {
      const row = [...rows.values()].find((r) => r.filename === filename);
      return row ? { ...row } : null;
    },
    async create(data: Record<string, unknown>) {
      const row = credentialRow({ id: randomUUID(), ...data } as Parameters<typeof credentialRow>[0]);
      rows.set(row.id, row);
      return { ...row };
    },
    async update(id: string, data: Record<string, unknown>) {
      const row = rows.get(id);
      if (!row) throw new Error(`no row ${id}`);
      return apply(row, data);
    },
  } as unknown as CredentialsRepository & { rows: Map<string, CredentialRow> };
}

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
}

/** A loopback HTTP server answering with `handler`, recording every request. */
export async function startStubServer(
  handler: (req: RecordedRequest) => { status: number; body?: unknown; headers?: Record<string, string> },
): Promise<{ url: string; requests: RecordedRequest[]; close(): Promise<void> }> {
  const requests: RecordedRequest[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const recorded = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      requests.push(recorded);
      const answer = handler(recorded);
      res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
      res.end(answer.body === undefined ? '' : JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** An unsigned JWT with these claims (tests only). */
export function testJwt(claims: Record<string, unknown>): string {
  const enc = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  return `${enc({ alg: 'none', typ: 'JWT' })}.${enc(claims)}.sig`;
}
