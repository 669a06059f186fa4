import { GatewayError } from '../common/errors/gateway-error.js';
import type { OpenedUpstream } from '../relay/code-assist-caller.js';
import type { PassthroughWire } from '../protocols/passthrough/wire-tap.js';
import type { OpenedUpstreamCall, RawUpstreamCall, UpstreamCall, UpstreamProvider } from './provider.js';

export type RoutingStrategy = 'priority' | 'round-robin' | 'fill-first' | 'weighted';

/** Admin routing rule for one model name (runtime setting `model_routing`). */
export interface ModelRoutingRule {
  strategy?: RoutingStrategy;
  /** provider ids in priority order (others that serve the model follow, unless `only`) */
  providers?: string[];
  /** weights for `weighted` (default 1) */
  weights?: Record<string, number>;
  /** route to the listed providers only */
  only?: boolean;
}

/** Failures after which the next provider is tried (nothing reached the client yet). */
const FAILOVER_CODES = new Set(['no_credentials', 'upstream_unavailable', 'upstream_timeout', 'rate_limited', 'not_found', 'service_unavailable']);

/**
 * Resolves a model name to the providers that serve it (exact name, alias, prefix — each provider's
 * `resolve`), orders them by the model's strategy, and opens the call on the first that answers,
 * moving on when one fails before producing anything.
 */
export class ProviderRouter {
  private readonly cursors = new Map<string, number>();

  constructor(
    private readonly providers: () => readonly UpstreamProvider[],
    private readonly rules: () => Readonly<Record<string, ModelRoutingRule>>,
    private readonly random: () => number = Math.random,
  ) {}

  /** Providers for a model, in the order they will be tried. */
  candidates(model: string): Array<{ provider: UpstreamProvider; upstreamModel: string }> {
    const serving: Array<{ provider: UpstreamProvider; upstreamModel: string }> = [];
    for (const provider of this.providers()) {
      const upstreamModel = provider.resolve(model);
      if (upstreamModel !== null) serving.push({ provider, upstreamModel });
    }
    // default order: each provider's own rank for the model, then registration order
    serving.sort((a, b) => (a.provider.rank?.(model) ?? 0) - (b.provider.rank?.(model) ?? 0));
    const rule = this.rules()[model];
    if (!rule || serving.length < 2) return serving;
    let ordered = serving;
    if (rule.providers?.length) {
      const rank = (id: string) => {
        const i = rule.providers!.indexOf(id);
        return i === -1 ? Number.MAX_SAFE_INTEGER : i;
      };
      ordered = [...serving].sort((a, b) => rank(a.provider.id) - rank(b.provider.id));
      if (rule.only) ordered = ordered.filter((c) => rule.providers!.includes(c.provider.id));
    }
    switch (rule.strategy ?? 'priority') {
      case 'priority':
      case 'fill-first':
        // stay on the first available provider until it fails (failover walks the rest)
        return ordered;
      case 'round-robin': {
        const n = (this.cursors.get(model) ?? 0) % ordered.length;
        this.cursors.set(model, n + 1);
        return [...ordered.slice(n), ...ordered.slice(0, n)];
      }
      case 'weighted': {
        const weights = ordered.map((c) => Math.max(0, rule.weights?.[c.provider.id] ?? 1));
        const total = weights.reduce((a, b) => a + b, 0);
        let pick = this.random() * total;
        let first = 0;
        for (let i = 0; i < ordered.length; i++) {
          pick -= weights[i]!;
          if (pick < 0) {
            first = i;
            break;
          }
        }
        return [ordered[first]!, ...ordered.filter((_, i) => i !== first)];
      }
    }
  }

  /** The provider that would serve a model first (null: none). */
  primary(model: string): UpstreamProvider | null {
    return this.candidates(model).find((c) => c.provider.available())?.provider ?? null;
  }

  async open(call: Omit<UpstreamCall, 'upstreamModel'>, model: string): Promise<{ opened: OpenedUpstreamCall; provider: UpstreamProvider; upstreamModel: string }> {
    const candidates = this.candidates(model);
    if (candidates.length === 0) {
      throw new GatewayError('not_found', `The model '${model}' is not served by any configured provider.`, { param: 'model' });
    }
    // providers with nothing usable are skipped; when none has anything, the primary one says why
    const usable = candidates.filter((c) => c.provider.available());
    const errors: GatewayError[] = [];
    for (const { provider, upstreamModel } of usable.length > 0 ? usable : candidates.slice(0, 1)) {
      try {
        const opened = await provider.open({ ...call, upstreamModel });
        return { opened, provider, upstreamModel };
      } catch (error) {
        if (call.signal.aborted || !(error instanceof GatewayError) || !FAILOVER_CODES.has(error.code)) throw error;
        errors.push(error);
      }
    }
    // the most telling failure: the first that is not a plain "nothing configured here"
    throw errors.find((e) => e.code !== 'no_credentials') ?? errors[0]!;
  }

  /**
   * Same-protocol passthrough: when the provider that would serve `model` first takes `wire`
   * untranslated, the providers (in order) that can; null when the request must be translated.
   */
  passthroughCandidates(model: string, wire: PassthroughWire): Array<{ provider: UpstreamProvider; upstreamModel: string }> | null {
    const usable = this.candidates(model).filter((c) => c.provider.available());
    if (usable.length === 0 || usable[0]!.provider.passthroughWire !== wire) return null;
    return usable.filter((c) => c.provider.passthroughWire === wire && c.provider.openRaw !== undefined);
  }

  /** Opens a passthrough call on the first of `candidates` that answers (failover before output). */
  async openRaw(
    candidates: ReadonlyArray<{ provider: UpstreamProvider; upstreamModel: string }>,
    call: Omit<RawUpstreamCall, 'upstreamModel'>,
  ): Promise<{ opened: OpenedUpstream; provider: UpstreamProvider; upstreamModel: string }> {
    const errors: GatewayError[] = [];
    for (const { provider, upstreamModel } of candidates) {
      try {
        return { opened: await provider.openRaw!({ ...call, upstreamModel }), provider, upstreamModel };
      } catch (error) {
        if (call.signal.aborted || !(error instanceof GatewayError) || !FAILOVER_CODES.has(error.code)) throw error;
        errors.push(error);
      }
    }
    throw errors.find((e) => e.code !== 'no_credentials') ?? errors[0] ?? new GatewayError('no_credentials', 'No provider could take the request.');
  }

  /** Every model servable now, with its owner (first provider wins). */
  listModels(): Array<{ id: string; owner: string }> {
    const seen = new Map<string, string>();
    for (const provider of this.providers()) {
      if (!provider.available()) continue;
      for (const m of provider.models()) if (!seen.has(m.id)) seen.set(m.id, provider.owner);
    }
    return [...seen].map(([id, owner]) => ({ id, owner }));
  }
}
