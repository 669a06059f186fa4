import { describe, expect, it } from 'vitest';
import type { ThinkingEffort } from '../ir/chat-request.js';
import {
  clampThinkingBudget,
  findGeminiThinkingFamily,
  GEMINI_THINKING_FAMILIES,
  resolveGeminiThinking,
} from './resolve-gemini-thinking.js';

const efforts: ThinkingEffort[] = ['none', 'auto', 'minimal', 'low', 'medium', 'high', 'xhigh', 'max'];

/** effort → [thinkingBudget | thinkingLevel, includeThoughts] per model */
const TABLE: Record<string, Record<ThinkingEffort, [number | string | undefined, boolean]>> = {
  'gemini-2.5-pro': {
    none: [128, false], // pro cannot turn thinking off: the minimum, and no thoughts shown
    auto: [-1, true],
    minimal: [512, true],
    low: [1024, true],
    medium: [8192, true],
    high: [24576, true],
    xhigh: [32768, true],
    max: [32768, true],
  },
  'gemini-2.5-flash': {
    none: [0, false],
    auto: [-1, true],
    minimal: [512, true],
    low: [1024, true],
    medium: [8192, true],
    high: [24576, true],
    xhigh: [24576, true],
    max: [24576, true],
  },
  'gemini-2.5-flash-lite': {
    none: [0, false],
    auto: [-1, true],
    minimal: [512, true],
    low: [1024, true],
    medium: [8192, true],
    high: [24576, true],
    xhigh: [24576, true],
    max: [24576, true],
  },
  'gemini-3-pro-preview': {
    none: ['LOW', false],
    auto: [undefined, true],
    minimal: ['LOW', true],
    low: ['LOW', true],
    medium: ['HIGH', true],
    high: ['HIGH', true],
    xhigh: ['HIGH', true],
    max: ['HIGH', true],
  },
  'gemini-3.1-pro-preview': {
    none: ['LOW', false],
    auto: [undefined, true],
    minimal: ['LOW', true],
    low: ['LOW', true],
    medium: ['MEDIUM', true],
    high: ['HIGH', true],
    xhigh: ['HIGH', true],
    max: ['HIGH', true],
  },
  'gemini-3-flash-preview': {
    none: ['MINIMAL', false],
    auto: [undefined, true],
    minimal: ['MINIMAL', true],
    low: ['LOW', true],
    medium: ['MEDIUM', true],
    high: ['HIGH', true],
    xhigh: ['HIGH', true],
    max: ['HIGH', true],
  },
};

describe('resolveGeminiThinking', () => {
  it('absent thinking → undefined (server default)', () => {
    expect(resolveGeminiThinking(undefined, 'gemini-2.5-pro')).toBeUndefined();
    expect(resolveGeminiThinking({}, 'gemini-2.5-pro')).toBeUndefined();
  });

  for (const [model, row] of Object.entries(TABLE)) {
    describe(model, () => {
      for (const effort of efforts) {
        it(`effort ${effort}`, () => {
          const [value, includeThoughts] = row[effort];
          const config = resolveGeminiThinking({ effort }, model)!;
          if (typeof value === 'number') expect(config).toStrictEqual({ thinkingBudget: value, includeThoughts });
          else if (typeof value === 'string') expect(config).toStrictEqual({ thinkingLevel: value, includeThoughts });
          else expect(config).toStrictEqual({ includeThoughts });
        });
      }
    });
  }

  it('budgetTokens is clamped to the model range and wins over effort', () => {
    expect(resolveGeminiThinking({ budgetTokens: 48000, effort: 'low' }, 'gemini-2.5-pro')).toStrictEqual({
      thinkingBudget: 32768,
      includeThoughts: true,
    });
    expect(resolveGeminiThinking({ budgetTokens: 10 }, 'gemini-2.5-pro')).toStrictEqual({ thinkingBudget: 128, includeThoughts: true });
    expect(resolveGeminiThinking({ budgetTokens: 100 }, 'gemini-2.5-flash-lite')).toStrictEqual({
      thinkingBudget: 512,
      includeThoughts: true,
    });
    expect(resolveGeminiThinking({ budgetTokens: 100 }, 'gemini-2.5-flash')).toStrictEqual({ thinkingBudget: 100, includeThoughts: true });
    expect(resolveGeminiThinking({ budgetTokens: 0 }, 'gemini-2.5-flash')).toStrictEqual({ thinkingBudget: 0, includeThoughts: false });
    expect(resolveGeminiThinking({ budgetTokens: -1 }, 'gemini-2.5-pro')).toStrictEqual({ thinkingBudget: -1, includeThoughts: true });
  });

  it('budgetTokens on a level model becomes the nearest supported level', () => {
    expect(resolveGeminiThinking({ budgetTokens: 2000 }, 'gemini-3-flash-preview')).toStrictEqual({
      thinkingLevel: 'MEDIUM',
      includeThoughts: true,
    });
    expect(resolveGeminiThinking({ budgetTokens: 2000 }, 'gemini-3-pro-preview')).toStrictEqual({
      thinkingLevel: 'HIGH',
      includeThoughts: true,
    });
    expect(resolveGeminiThinking({ budgetTokens: -1 }, 'gemini-3-pro-preview')).toStrictEqual({ includeThoughts: true });
  });

  it('an explicit includeThoughts wins', () => {
    expect(resolveGeminiThinking({ effort: 'high', includeThoughts: false }, 'gemini-2.5-flash')).toStrictEqual({
      thinkingBudget: 24576,
      includeThoughts: false,
    });
    expect(resolveGeminiThinking({ effort: 'none', includeThoughts: true }, 'gemini-2.5-flash')).toStrictEqual({
      thinkingBudget: 0,
      includeThoughts: true,
    });
    expect(resolveGeminiThinking({ includeThoughts: false }, 'gemini-2.5-pro')).toStrictEqual({ includeThoughts: false });
  });

  it('unknown models get the unclamped budget and a warning', () => {
    const warnings: string[] = [];
    expect(resolveGeminiThinking({ effort: 'max' }, 'some-other-model', warnings)).toStrictEqual({
      thinkingBudget: 128000,
      includeThoughts: true,
    });
    expect(warnings).toHaveLength(1);
  });

  it('families: names, prefixes and order', () => {
    expect(findGeminiThinkingFamily('models/gemini-2.5-pro')?.id).toBe('gemini-2.5-pro');
    expect(findGeminiThinkingFamily('gemini-2.5-flash-lite-preview-06-17')?.id).toBe('gemini-2.5-flash-lite');
    expect(findGeminiThinkingFamily('gemini-2.5-pro-preview-06-05')?.id).toBe('gemini-2.5-pro');
    expect(findGeminiThinkingFamily('gemini-3.1-flash-lite')?.id).toBe('gemini-3-flash');
    expect(findGeminiThinkingFamily('gemini-3.5-flash')?.id).toBe('gemini-3-flash');
    expect(findGeminiThinkingFamily('gemini-3.1-pro-preview')?.id).toBe('gemini-3.x-pro');
    expect(findGeminiThinkingFamily('gemini-2.0-flash')).toBeUndefined();
    expect(GEMINI_THINKING_FAMILIES.length).toBeGreaterThan(0);
  });

  it('clampThinkingBudget', () => {
    const pro = findGeminiThinkingFamily('gemini-2.5-pro');
    if (pro?.kind !== 'budget') throw new Error('expected a budget family');
    expect(clampThinkingBudget(pro, 0)).toBe(128);
    expect(clampThinkingBudget(pro, -5)).toBe(-1);
    expect(clampThinkingBudget(pro, 1000.4)).toBe(1000);
    expect(clampThinkingBudget(pro, 10 ** 9)).toBe(32768);
  });
});
