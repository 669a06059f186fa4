import { describe, expect, it } from 'vitest';
import { CredentialFileError, decodeEnvCredential, parseCredentialFile } from './credential-file.js';
import { toAntigravityFile } from './credential-secret.js';

const AG_CLIENT = '1071006060591-tmhssin2h21lcre235vtolojh4g403ep.apps.googleusercontent.com';
const AG_IDE_CLIENT = '884354919052-36trc1jjb3tguiac32ov6cod268c5blh.apps.googleusercontent.com';

describe('parseCredentialFile', () => {
  it('reads gcli2api format A', () => {
    const parsed = parseCredentialFile({
      client_id: 'cid',
      client_secret: 'cs',
      token: 'ya29.a',
      refresh_token: '1//r',
      scopes: ['s1'],
      token_uri: 'https://oauth2.googleapis.com/token',
      project_id: 'my-proj',
      expiry: '2026-01-10T02:55:29.123456+00:00',
    });
    expect(parsed).toEqual({
      kind: 'gemini-cli',
      format: 'gcli2api',
      projectId: 'my-proj',
      email: null,
      secret: {
        client_id: 'cid',
        client_secret: 'cs',
        refresh_token: '1//r',
        access_token: 'ya29.a',
        expiry: '2026-01-10T02:55:29.123Z',
        scopes: ['s1'],
        token_uri: 'https://oauth2.googleapis.com/token',
      },
    });
  });

  it('completes a stock gemini-cli oauth_creds.json (format B) with the public client', () => {
    const parsed = parseCredentialFile({
      access_token: 'ya29.b',
      refresh_token: '1//b',
      scope: 'https://www.googleapis.com/auth/cloud-platform openid',
      token_type: 'Bearer',
      id_token: 'x.y.z',
      expiry_date: 1767000000000,
    });
    expect(parsed.format).toBe('gemini-cli');
    expect(parsed.projectId).toBeNull();
    expect(parsed.secret.client_id).toMatch(/^681255809395-/);
    expect(parsed.secret.client_secret).toMatch(/^GOCSPX-/);
    expect(parsed.secret.expiry).toBe(new Date(1767000000000).toISOString());
    expect(parsed.secret.scopes).toEqual(['https://www.googleapis.com/auth/cloud-platform', 'openid']);
    expect(parsed.secret.access_token).toBe('ya29.b');
  });

  it('reads typed Antigravity files, completing the client it was issued to, and round-trips downloads', () => {
    const parsed = parseCredentialFile({ type: 'antigravity', refresh_token: '1//ag', access_token: 'ya29.ag', expired: '2026-03-01T10:00:00+01:00', email: 'a@example.com', project_id: 'p-1' });
    expect(parsed).toEqual({
      kind: 'antigravity',
      format: 'antigravity',
      projectId: 'p-1',
      email: 'a@example.com',
      secret: {
        client_id: AG_CLIENT,
        client_secret: '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',
        refresh_token: '1//ag',
        access_token: 'ya29.ag',
        expiry: '2026-03-01T09:00:00.000Z',
        token_uri: 'https://oauth2.googleapis.com/token',
      },
    });
    expect(parseCredentialFile(toAntigravityFile(parsed.secret, { projectId: 'p-1', email: 'a@example.com' }))).toEqual({ ...parsed, secret: { ...parsed.secret, scopes: undefined } });
    // the other Antigravity client keeps its own secret; a timestamp + expires_in expiry is understood
    const ide = parseCredentialFile({ type: 'antigravity', client_id: AG_IDE_CLIENT, refresh_token: '1//ide', timestamp: 1767000000000, expires_in: 3599 });
    expect(ide.secret).toMatchObject({ client_id: AG_IDE_CLIENT, client_secret: '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', expiry: new Date(1767000000000 + 3_599_000).toISOString() });
    // a gcli2api-shaped file issued to an Antigravity client belongs to the Antigravity pool
    expect(parseCredentialFile({ client_id: AG_CLIENT, client_secret: 'x', refresh_token: '1//r', token: 't', user_email: 'b@example.com' })).toMatchObject({ kind: 'antigravity', email: 'b@example.com' });
    expect(() => parseCredentialFile({ type: 'antigravity', refresh_token: '1//r', client_id: 'unknown-client' })).toThrow('client_secret');
  });

  it('refuses files without a refresh token or that are not objects', () => {
    expect(() => parseCredentialFile({ client_id: 'a', client_secret: 'b' })).toThrow(CredentialFileError);
    expect(() => parseCredentialFile([1])).toThrow('not a JSON object');
    expect(() => parseCredentialFile({ refresh_token: 'r', client_id: 'other-client' })).toThrow('client_secret');
  });

  it('decodes env credentials given as JSON or base64 JSON', () => {
    const json = '{"refresh_token":"r","client_id":"c","client_secret":"s"}';
    expect(decodeEnvCredential(json)).toEqual(JSON.parse(json));
    expect(decodeEnvCredential(Buffer.from(json).toString('base64'))).toEqual(JSON.parse(json));
    expect(() => decodeEnvCredential('bm90IGpzb24=')).toThrow(CredentialFileError);
  });
});
