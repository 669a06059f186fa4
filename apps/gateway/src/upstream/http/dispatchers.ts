import { Agent, ProxyAgent, type Dispatcher } from 'undici';
import { socksDispatcher } from 'fetch-socks';

export interface DispatcherOptions {
  connectTimeoutMs: number;
  headersTimeoutMs: number;
  /** maximum silence between body chunks */
  idleTimeoutMs: number;
}

/**
 * Pooled keep-alive dispatchers, one per outbound proxy URL (null = direct). PROXY and per-credential
 * proxies (http, https, socks5) all go through here, so every outbound call honours them.
 */
export class Dispatchers {
  private readonly byProxy = new Map<string, Dispatcher>();

  constructor(private readonly options: DispatcherOptions) {}

  get(proxyUrl: string | null | undefined): Dispatcher {
    const key = proxyUrl ?? '';
    let dispatcher = this.byProxy.get(key);
    if (!dispatcher) {
      dispatcher = this.create(proxyUrl ?? null);
      this.byProxy.set(key, dispatcher);
    }
    return dispatcher;
  }

  private create(proxyUrl: string | null): Dispatcher {
    const common = {
      // one upstream connection per concurrent stream: a cap here would queue streams behind each other
      connections: null,
      keepAliveTimeout: 30_000,
      keepAliveMaxTimeout: 600_000,
      headersTimeout: this.options.headersTimeoutMs,
      bodyTimeout: this.options.idleTimeoutMs,
      connect: { timeout: this.options.connectTimeoutMs },
    };
    if (!proxyUrl) return new Agent(common);
    const url = new URL(proxyUrl);
    if (url.protocol.startsWith('socks')) {
      return socksDispatcher(
        {
          type: url.protocol.startsWith('socks4') ? 4 : 5,
          host: url.hostname,
          port: Number(url.port || 1080),
          ...(url.username ? { userId: decodeURIComponent(url.username) } : {}),
          ...(url.password ? { password: decodeURIComponent(url.password) } : {}),
        },
        common,
      );
    }
    return new ProxyAgent({ ...common, uri: proxyUrl });
  }

  async close(): Promise<void> {
    const all = [...this.byProxy.values()];
    this.byProxy.clear();
    await Promise.allSettled(all.map((d) => d.close()));
  }
}
