import { describe, expect, it } from 'vitest';
import { DEFAULT_MODEL_COSTS, lookupModelCost } from './model-costs.js';

describe('lookupModelCost', () => {
  it('has gcli2api V2 defaults, the anti-truncation prefix doubling', () => {
    expect(DEFAULT_MODEL_COSTS['gemini-2.5-pro']).toBe(10);
    expect(DEFAULT_MODEL_COSTS['gemini-2.5-flash']).toBe(2);
    expect(DEFAULT_MODEL_COSTS['gemini-3-pro-preview']).toBe(15);
    expect(DEFAULT_MODEL_COSTS['流式抗截断/gemini-3-pro-preview']).toBe(30);
    expect(DEFAULT_MODEL_COSTS['假流式/gemini-2.5-pro']).toBe(10);
  });

  it('looks up exact, then without one variant suffix, then the default', () => {
    expect(lookupModelCost(DEFAULT_MODEL_COSTS, 'gemini-2.5-pro')).toEqual({ cost: 10, isDefault: false });
    expect(lookupModelCost(DEFAULT_MODEL_COSTS, 'gemini-2.5-pro-maxthinking')).toEqual({ cost: 10, isDefault: false });
    expect(lookupModelCost(DEFAULT_MODEL_COSTS, '流式抗截断/gemini-2.5-pro-search')).toEqual({ cost: 20, isDefault: false });
    expect(lookupModelCost(DEFAULT_MODEL_COSTS, 'some-other-model')).toEqual({ cost: 1, isDefault: true });
  });

  it('prices prefixed names the table does not list from the rest of the name', () => {
    const table = { 'gemini-2.5-flash-lite': 1, 'gemini-x': 3 };
    expect(lookupModelCost(table, '流式抗截断/gemini-x-high')).toEqual({ cost: 6, isDefault: false });
    expect(lookupModelCost(table, '假流式/gemini-x')).toEqual({ cost: 3, isDefault: false });
    expect(lookupModelCost(table, '流式抗截断/unknown')).toEqual({ cost: 2, isDefault: true });
  });

  it('prices names with several suffixes, or image suffixes, as the base model they route to', () => {
    const table = { ...DEFAULT_MODEL_COSTS, 'gemini-3.1-flash-image': 5 };
    expect(lookupModelCost(table, 'gemini-2.5-pro-high-search')).toEqual({ cost: 10, isDefault: false });
    expect(lookupModelCost(table, 'gemini-3.1-flash-image-4k-21x9')).toEqual({ cost: 5, isDefault: false });
    expect(lookupModelCost(table, 'gemini-3.1-flash-image-16x9')).toEqual({ cost: 5, isDefault: false });
    expect(lookupModelCost(table, '流式抗截断/gemini-2.5-pro-low-search')).toEqual({ cost: 20, isDefault: false });
    expect(lookupModelCost(table, 'gemini-2.5-flash-image-9x16')).toEqual({ cost: 1, isDefault: true });
  });
});
