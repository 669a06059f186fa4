import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { isPrivateAddress } from './remote-media.fetcher.js';

/**
 * True when a URL's host is, or resolves to, a private, loopback or link-local address. Admin-entered
 * upstream base URLs are checked with it (unless CLIGATE_ALLOW_PRIVATE_UPSTREAMS), so a settings or
 * provider form cannot be used to make the gateway call into its own network.
 */
export async function pointsToPrivateAddress(url: string): Promise<boolean> {
  const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  if (isIP(host) !== 0) return isPrivateAddress(host);
  try {
    const addresses = await lookup(host, { all: true });
    return addresses.some((a) => isPrivateAddress(a.address));
  } catch {
    return false;
  }
}
