import { describe, expect, it } from 'vitest';
import type { AntigravityModel } from '../api/types';
import { accountSummary, providerName, quotaPercent, quotaState, sortModels } from './antigravity';

const NOW = Date.parse('2026-01-01T12:00:00Z');
const model = (id: string, provider: string | null, remaining: number | null, reset: string | null = null): AntigravityModel => ({
  id,
  display_name: id,
  provider,
  max_output_tokens: null,
  remaining_fraction: remaining,
  reset_time: reset,
});

describe('antigravity quotas', () => {
  it('names providers', () => {
    expect(providerName('MODEL_PROVIDER_GOOGLE')).toBe('Google');
    expect(providerName('MODEL_PROVIDER_ANTHROPIC')).toBe('Anthropic');
    expect(providerName('MODEL_PROVIDER_OPENAI')).toBe('OpenAI');
    expect(providerName('MODEL_PROVIDER_X_AI')).toBe('X Ai');
    expect(providerName(null)).toBeNull();
  });

  it('turns fractions into percentages', () => {
    expect(quotaPercent(1)).toBe(100);
    expect(quotaPercent(0.254)).toBe(25);
    expect(quotaPercent(0)).toBe(0);
    expect(quotaPercent(0.004)).toBe(0.4);
    expect(quotaPercent(1.5)).toBe(100);
    expect(quotaPercent(null)).toBeNull();
    expect(quotaPercent(Number.NaN)).toBeNull();
  });

  it('tells exhausted, low, ok and unknown apart', () => {
    expect(quotaState(model('a', null, 0, '2026-01-01T14:00:00Z'), NOW)).toBe('exhausted');
    expect(quotaState(model('a', null, 0, null), NOW)).toBe('exhausted');
    // the reset has passed: the next listing will show it refilled
    expect(quotaState(model('a', null, 0, '2026-01-01T11:00:00Z'), NOW)).toBe('ok');
    expect(quotaState(model('a', null, 0.1), NOW)).toBe('low');
    expect(quotaState(model('a', null, 0.5), NOW)).toBe('ok');
    expect(quotaState(model('a', null, null), NOW)).toBe('unknown');
  });

  it('sorts models by provider, then id, and sums an account up', () => {
    const models = [
      model('gpt-oss-120b-medium', 'MODEL_PROVIDER_OPENAI', 1),
      model('claude-sonnet-4-6', 'MODEL_PROVIDER_ANTHROPIC', 0, '2026-01-01T14:00:00Z'),
      model('gemini-3-pro-high', 'MODEL_PROVIDER_GOOGLE', 0.5),
      model('gemini-3-flash', 'MODEL_PROVIDER_GOOGLE', 0.25),
      model('mystery', null, null),
    ];
    expect(sortModels(models).map((m) => m.id)).toEqual(['gemini-3-flash', 'gemini-3-pro-high', 'claude-sonnet-4-6', 'gpt-oss-120b-medium', 'mystery']);
    const account = { filename: 'f', email: null, project_id: null, disabled: false, fetched_at: null, error: null, models };
    expect(accountSummary(account, NOW)).toEqual({ models: 5, exhausted: 1, lowest: 0 });
  });
});
