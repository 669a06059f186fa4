import { describe, expect, it } from 'vitest';
import { clientModelNames, headersToRows, HEADER_MASK, modelProblems, modelsToText, parseKeysText, parseModelsText, rowsToHeaders } from './providers';

describe('providers', () => {
  it('turns models into one line each and back', () => {
    const models = [
      { id: 'gpt-4o-mini', upstream: 'gpt-4o-mini' },
      { id: 'fast', upstream: 'qwen-plus' },
    ];
    expect(modelsToText(models)).toBe('gpt-4o-mini\nfast=qwen-plus');
    expect(parseModelsText(' gpt-4o-mini \n\nfast = qwen-plus\n  \nthinker=deepseek-reasoner, extra')).toEqual([
      'gpt-4o-mini',
      'fast=qwen-plus',
      'thinker=deepseek-reasoner',
      'extra',
    ]);
    expect(parseModelsText('')).toEqual([]);
  });

  it('finds duplicate aliases and empty sides', () => {
    expect(modelProblems(['a', 'b=c'])).toEqual([]);
    expect(modelProblems(['a', 'a=b'])).toEqual(['a']);
    expect(modelProblems(['=x', 'y='])).toEqual(['=x', 'y=']);
  });

  it('reads pasted keys', () => {
    expect(parseKeysText('sk-one\n sk-two , sk-three\n\nsk-one')).toEqual(['sk-one', 'sk-two', 'sk-three']);
  });

  it('edits headers as rows and notices values still masked', () => {
    const rows = headersToRows({ 'x-title': HEADER_MASK, 'http-referer': HEADER_MASK });
    expect(rows).toEqual([
      { name: 'x-title', value: HEADER_MASK },
      { name: 'http-referer', value: HEADER_MASK },
    ]);
    expect(rowsToHeaders([{ name: ' X-Title ', value: 'new' }, { name: '', value: 'dropped' }, { name: 'http-referer', value: HEADER_MASK }])).toEqual({
      headers: { 'X-Title': 'new', 'http-referer': HEADER_MASK },
      masked: ['http-referer'],
    });
  });

  it('lists the names clients use', () => {
    expect(clientModelNames({ models: [{ id: 'fast', upstream: 'qwen-plus' }], prefix: 'or' })).toEqual(['fast', 'or/fast']);
    expect(clientModelNames({ models: [{ id: 'fast', upstream: 'qwen-plus' }], prefix: null })).toEqual(['fast']);
  });
});
