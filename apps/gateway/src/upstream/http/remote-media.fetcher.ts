import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import { Agent, request, type Dispatcher } from 'undici';
import { GatewayError } from '../../common/errors/gateway-error.js';

/** Which remote URLs may be fetched: none, public addresses only (default), or any address. */
export type RemoteFetchPolicy = 'off' | 'public' | 'any';

export interface RemoteMedia {
  mediaType: string;
  data: string;
}

export interface RemoteFetchLimits {
  maxBytes: number;
  timeoutMs: number;
}

/** Private, loopback, link-local, CGNAT, multicast and reserved ranges (IPv4 and IPv6). */
const PRIVATE = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  PRIVATE.addSubnet(net, prefix, 'ipv4');
}
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
  ['64:ff9b::', 96],
] as const) {
  PRIVATE.addSubnet(net, prefix, 'ipv6');
}

export function isPrivateAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return true;
  if (family === 6 && address.toLowerCase().startsWith('::ffff:')) {
    const v4 = address.slice(7);
    if (isIP(v4) === 4) return PRIVATE.check(v4, 'ipv4');
  }
  return PRIVATE.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

/**
 * Fetches images that clients give by URL, with a size limit, a timeout, only image media types, and
 * (unless the admin allows it) no private or loopback destination. The address check happens in the
 * connection's own DNS lookup, so a name that resolves differently a second time (DNS rebinding)
 * cannot slip through; redirects are not followed.
 */
export class RemoteMediaFetcher {
  private readonly guarded: Dispatcher;
  private readonly open: Dispatcher;

  constructor(private readonly limits: RemoteFetchLimits) {
    const guardedLookup = (hostname: string, options: object, callback: (err: Error | null, address: string | Array<{ address: string; family: number }>, family?: number) => void) => {
      lookup(hostname, { all: true })
        .then((addresses) => {
          const allowed = addresses.filter((a) => !isPrivateAddress(a.address));
          if (allowed.length === 0 || allowed.length !== addresses.length) {
            callback(new Error(`refusing to fetch from a private or loopback address (${hostname})`), '', 4);
            return;
          }
          if ((options as { all?: boolean }).all) callback(null, allowed);
          else callback(null, allowed[0]!.address, allowed[0]!.family);
        })
        .catch((error: Error) => callback(error, '', 4));
    };
    this.guarded = new Agent({ connect: { timeout: limits.timeoutMs, lookup: guardedLookup as never }, headersTimeout: limits.timeoutMs, bodyTimeout: limits.timeoutMs });
    this.open = new Agent({ connect: { timeout: limits.timeoutMs }, headersTimeout: limits.timeoutMs, bodyTimeout: limits.timeoutMs });
  }

  async fetch(url: string, policy: RemoteFetchPolicy, param: string): Promise<RemoteMedia> {
    if (policy === 'off') {
      throw new GatewayError('invalid_request', `Remote image URLs are turned off on this gateway (${param}); send the image as a base64 data URL.`, { param });
    }
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new GatewayError('invalid_request', `${param} is not a valid URL`, { param });
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
      throw new GatewayError('invalid_request', `${param} must be an http(s) URL`, { param });
    }
    const host = parsed.hostname.replace(/^\[|\]$/g, '');
    if (policy === 'public' && isIP(host) !== 0 && isPrivateAddress(host)) {
      throw new GatewayError('invalid_request', `${param} points to a private or loopback address; such URLs are not fetched.`, { param });
    }
    const signal = AbortSignal.timeout(this.limits.timeoutMs);
    let response: Dispatcher.ResponseData<unknown>;
    try {
      response = await request(parsed, {
        method: 'GET',
        dispatcher: policy === 'public' ? this.guarded : this.open,
        headers: { accept: 'image/*', 'user-agent': 'cligate-media-fetch' },
        signal,
        maxRedirections: 0,
      } as Parameters<typeof request>[1]);
    } catch (error) {
      const reason = (error as Error).message.includes('private or loopback') ? 'it points to a private or loopback address' : (error as Error).message;
      throw new GatewayError('invalid_request', `Could not fetch ${param}: ${reason}.`, { param });
    }
    if (response.statusCode !== 200) {
      response.body.destroy();
      throw new GatewayError('invalid_request', `Could not fetch ${param}: the server answered HTTP ${response.statusCode}.`, { param });
    }
    const mediaType = String(response.headers['content-type'] ?? '').split(';', 1)[0]!.trim().toLowerCase();
    if (!mediaType.startsWith('image/')) {
      response.body.destroy();
      throw new GatewayError('invalid_request', `${param} is not an image (content-type ${mediaType || 'missing'}).`, { param });
    }
    const chunks: Buffer[] = [];
    let size = 0;
    try {
      for await (const chunk of response.body) {
        size += (chunk as Buffer).length;
        if (size > this.limits.maxBytes) {
          response.body.destroy();
          throw new GatewayError('invalid_request', `${param} is larger than ${Math.round(this.limits.maxBytes / 1024 / 1024)} MB.`, { param });
        }
        chunks.push(chunk as Buffer);
      }
    } catch (error) {
      if (error instanceof GatewayError) throw error;
      throw new GatewayError('invalid_request', `Could not fetch ${param}: ${(error as Error).message}.`, { param });
    }
    return { mediaType, data: Buffer.concat(chunks).toString('base64') };
  }

  async close(): Promise<void> {
    await Promise.allSettled([this.guarded.close(), this.open.close()]);
  }
}
