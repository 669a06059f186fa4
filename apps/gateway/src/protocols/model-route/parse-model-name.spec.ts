import { describe, expect, it } from 'vitest';
import type { ChatRequest } from '../ir/chat-request.js';
import { encodeGeminiUpstreamRequest } from '../gemini/encode-gemini-upstream-request.js';
import { applyModelRoute, listModelVariants, parseModelName, thinkingForSuffix } from './parse-model-name.js';

describe('parseModelName', () => {
  it('a plain name is its own base model', () => {
    expect(parseModelName('gemini-2.5-pro')).toStrictEqual({
      requested: 'gemini-2.5-pro',
      baseModel: 'gemini-2.5-pro',
      fakeStream: false,
      antiTruncation: false,
      search: false,
    });
  });

  it.each([
    ['假流式/gemini-2.5-pro', true, false],
    ['流式抗截断/gemini-2.5-pro', false, true],
    ['假流式/流式抗截断/gemini-2.5-pro', true, true],
    ['流式抗截断/假流式/gemini-2.5-pro', true, true],
  ])('prefixes: %s', (name, fakeStream, antiTruncation) => {
    const route = parseModelName(name);
    expect(route).toMatchObject({ requested: name, baseModel: 'gemini-2.5-pro', fakeStream, antiTruncation });
  });

  it('a prefix counts once; a repeated one stays in the name', () => {
    expect(parseModelName('假流式/假流式/gemini-2.5-pro').baseModel).toBe('假流式/gemini-2.5-pro');
  });

  it('the legacy -假流式 suffix is not a feature (it worked one week in 2025)', () => {
    expect(parseModelName('gemini-2.5-pro-假流式')).toMatchObject({ baseModel: 'gemini-2.5-pro-假流式', fakeStream: false });
  });

  it('the doc examples: thinking suffix then -search, behind a prefix', () => {
    expect(parseModelName('流式抗截断/gemini-2.5-pro-maxthinking-search')).toStrictEqual({
      requested: '流式抗截断/gemini-2.5-pro-maxthinking-search',
      baseModel: 'gemini-2.5-pro',
      fakeStream: false,
      antiTruncation: true,
      search: true,
      thinkingSuffix: 'maxthinking',
      thinking: { budgetTokens: 32768 },
    });
    expect(parseModelName('gemini-2.5-pro-high-search')).toMatchObject({
      baseModel: 'gemini-2.5-pro',
      search: true,
      thinkingSuffix: 'high',
      thinking: { budgetTokens: 16000 },
    });
  });

  it('suffixes in the other order parse the same; each kind counts once', () => {
    expect(parseModelName('gemini-2.5-pro-search-high')).toMatchObject({ baseModel: 'gemini-2.5-pro', search: true, thinkingSuffix: 'high' });
    expect(parseModelName('gemini-2.5-pro-high-low')).toMatchObject({ baseModel: 'gemini-2.5-pro-high', thinkingSuffix: 'low' });
    expect(parseModelName('gemini-2.5-pro-search-search')).toMatchObject({ baseModel: 'gemini-2.5-pro-search', search: true });
  });

  it('unknown suffixes stay part of the name, and stop the suffix scan', () => {
    expect(parseModelName('gemini-2.5-pro-foo')).toMatchObject({ baseModel: 'gemini-2.5-pro-foo', search: false });
    expect(parseModelName('gemini-2.5-pro-high-foo')).toMatchObject({ baseModel: 'gemini-2.5-pro-high-foo' });
    expect(parseModelName('gemini-2.5-pro-foo-search')).toMatchObject({ baseModel: 'gemini-2.5-pro-foo', search: true });
    expect(parseModelName('gemini-2.5-flash-lite')).toMatchObject({ baseModel: 'gemini-2.5-flash-lite' });
    expect(parseModelName('high')).toMatchObject({ baseModel: 'high' });
  });

  it('image suffixes apply only to models whose name contains "image"', () => {
    expect(parseModelName('gemini-3-pro-image-4k-16x9')).toMatchObject({
      baseModel: 'gemini-3-pro-image',
      imageOutput: { aspectRatio: '16:9', imageSize: '4K' },
    });
    expect(parseModelName('假流式/gemini-2.5-flash-image-21x9')).toMatchObject({
      baseModel: 'gemini-2.5-flash-image',
      fakeStream: true,
      imageOutput: { aspectRatio: '21:9' },
    });
    expect(parseModelName('gemini-3-pro-image-1x1-2k')).toMatchObject({ imageOutput: { aspectRatio: '1:1', imageSize: '2K' } });
    expect(parseModelName('gemini-3-pro-image-1k')).toMatchObject({ imageOutput: { imageSize: '1K' } });
    expect(parseModelName('gemini-2.5-pro-4k')).toStrictEqual({
      requested: 'gemini-2.5-pro-4k',
      baseModel: 'gemini-2.5-pro-4k',
      fakeStream: false,
      antiTruncation: false,
      search: false,
    });
  });

  describe('thinking suffixes (gcli2api V3 numbers, client-protocols.md §8.1)', () => {
    it.each([
      ['gemini-2.5-flash', 'max', { budgetTokens: 24576 }],
      ['gemini-2.5-flash', 'high', { budgetTokens: 16000 }],
      ['gemini-2.5-flash', 'medium', { budgetTokens: 8192 }],
      ['gemini-2.5-flash', 'low', { budgetTokens: 1024 }],
      ['gemini-2.5-flash', 'minimal', { budgetTokens: 0 }],
      ['gemini-2.5-pro', 'max', { budgetTokens: 32768 }],
      ['gemini-2.5-pro', 'high', { budgetTokens: 16000 }],
      ['gemini-2.5-pro', 'medium', { budgetTokens: 8192 }],
      ['gemini-2.5-pro', 'low', { budgetTokens: 1024 }],
      ['gemini-2.5-pro', 'minimal', { budgetTokens: 128 }],
      ['gemini-3-flash-preview', 'high', { effort: 'high' }],
      ['gemini-3-flash-preview', 'medium', { effort: 'medium' }],
      ['gemini-3-flash-preview', 'low', { effort: 'low' }],
      ['gemini-3-flash-preview', 'minimal', { effort: 'minimal' }],
      ['gemini-3-pro-preview', 'high', { effort: 'high' }],
      ['gemini-3-pro-preview', 'low', { effort: 'low' }],
      // legacy suffixes
      ['gemini-2.5-flash', 'nothinking', { budgetTokens: 0 }],
      ['gemini-2.5-pro', 'nothinking', { budgetTokens: 128 }],
      ['gemini-2.5-flash', 'maxthinking', { budgetTokens: 24576 }],
      ['gemini-2.5-pro', 'maxthinking', { budgetTokens: 32768 }],
      ['gemini-3-pro-preview', 'maxthinking', { effort: 'high' }],
    ] as const)('%s-%s', (base, suffix, thinking) => {
      expect(parseModelName(`${base}-${suffix}`)).toMatchObject({ baseModel: base, thinkingSuffix: suffix, thinking });
      expect(thinkingForSuffix(suffix, base)).toStrictEqual(thinking);
    });

    /** what reaches Google: generationConfig.thinkingConfig after applyModelRoute */
    const thinkingConfig = (name: string) => {
      const route = parseModelName(name);
      const request: ChatRequest = {
        model: name,
        system: [],
        messages: [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }],
        tools: [],
        generation: {},
        stream: false,
      };
      return encodeGeminiUpstreamRequest(applyModelRoute(request, route)).value.generationConfig?.thinkingConfig;
    };

    it.each([
      ['gemini-2.5-pro-high', { thinkingBudget: 16000, includeThoughts: true }],
      ['gemini-2.5-flash-minimal', { thinkingBudget: 0, includeThoughts: false }],
      ['gemini-2.5-flash-nothinking', { thinkingBudget: 0, includeThoughts: false }],
      ['gemini-2.5-pro-nothinking', { thinkingBudget: 128, includeThoughts: true }],
      ['gemini-2.5-pro-minimal', { thinkingBudget: 128, includeThoughts: true }],
      ['gemini-3-pro-preview-high', { thinkingLevel: 'HIGH', includeThoughts: true }],
      ['gemini-3-flash-preview-minimal', { thinkingLevel: 'MINIMAL', includeThoughts: true }],
      // clamped to the levels the model has (V3 sends nothing here)
      ['gemini-3-pro-preview-medium', { thinkingLevel: 'HIGH', includeThoughts: true }],
      ['gemini-3.1-pro-preview-medium', { thinkingLevel: 'MEDIUM', includeThoughts: true }],
      ['gemini-2.5-pro', undefined],
    ])('%s reaches Google as %j', (name, expected) => {
      expect(thinkingConfig(name)).toStrictEqual(expected);
    });
  });
});

describe('applyModelRoute', () => {
  const base: ChatRequest = {
    model: '假流式/gemini-2.5-pro-low-search',
    system: [],
    messages: [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }],
    tools: [],
    generation: { temperature: 0 },
    stream: true,
    thinking: { budgetTokens: 30000, includeThoughts: false },
    builtinTools: {},
  };

  it('sets the base model; the suffix thinking replaces the body thinking; -search adds Google Search', () => {
    const routed = applyModelRoute(base, parseModelName(base.model));
    expect(routed).toStrictEqual({
      ...base,
      model: 'gemini-2.5-pro',
      thinking: { budgetTokens: 1024 },
      builtinTools: { googleSearch: true },
    });
    expect(base.model).toBe('假流式/gemini-2.5-pro-low-search'); // not modified
  });

  it('without suffixes only the model changes', () => {
    const request = { ...base, model: '流式抗截断/gemini-2.5-pro' };
    expect(applyModelRoute(request, parseModelName(request.model))).toStrictEqual({ ...request, model: 'gemini-2.5-pro' });
  });

  it('image suffixes override the body image fields one by one', () => {
    const request: ChatRequest = { ...base, model: 'gemini-3-pro-image-16x9', imageOutput: { aspectRatio: '1:1', imageSize: '2K' } };
    expect(applyModelRoute(request, parseModelName(request.model)).imageOutput).toStrictEqual({ aspectRatio: '16:9', imageSize: '2K' });
  });
});

describe('listModelVariants', () => {
  it('gcli2api V3 list for a 3-pro model: plain, -high, -low, -search, thinking+search, each with both prefixes', () => {
    expect(listModelVariants(['gemini-3-pro-preview'])).toStrictEqual([
      'gemini-3-pro-preview',
      '假流式/gemini-3-pro-preview',
      '流式抗截断/gemini-3-pro-preview',
      'gemini-3-pro-preview-high',
      '假流式/gemini-3-pro-preview-high',
      '流式抗截断/gemini-3-pro-preview-high',
      'gemini-3-pro-preview-low',
      '假流式/gemini-3-pro-preview-low',
      '流式抗截断/gemini-3-pro-preview-low',
      'gemini-3-pro-preview-search',
      '假流式/gemini-3-pro-preview-search',
      '流式抗截断/gemini-3-pro-preview-search',
      'gemini-3-pro-preview-high-search',
      '假流式/gemini-3-pro-preview-high-search',
      '流式抗截断/gemini-3-pro-preview-high-search',
      'gemini-3-pro-preview-low-search',
      '假流式/gemini-3-pro-preview-low-search',
      '流式抗截断/gemini-3-pro-preview-low-search',
    ]);
  });

  it('thinking suffixes per family', () => {
    const only = { search: false, fakeStream: false, antiTruncation: false };
    expect(listModelVariants(['gemini-2.5-flash'], only)).toStrictEqual([
      'gemini-2.5-flash',
      'gemini-2.5-flash-max',
      'gemini-2.5-flash-high',
      'gemini-2.5-flash-medium',
      'gemini-2.5-flash-low',
      'gemini-2.5-flash-minimal',
    ]);
    expect(listModelVariants(['gemini-3-flash-preview'], only)).toStrictEqual([
      'gemini-3-flash-preview',
      'gemini-3-flash-preview-high',
      'gemini-3-flash-preview-medium',
      'gemini-3-flash-preview-low',
      'gemini-3-flash-preview-minimal',
    ]);
    expect(listModelVariants(['gemini-3.1-pro-preview'], only)).toStrictEqual([
      'gemini-3.1-pro-preview',
      'gemini-3.1-pro-preview-high',
      'gemini-3.1-pro-preview-medium',
      'gemini-3.1-pro-preview-low',
    ]);
    expect(listModelVariants(['some-other-model'], only)).toStrictEqual(['some-other-model']);
  });

  it('every group can be turned off; legacy suffixes can be turned on', () => {
    expect(
      listModelVariants(['gemini-2.5-pro'], { thinking: false, search: false, fakeStream: false, antiTruncation: false }),
    ).toStrictEqual(['gemini-2.5-pro']);
    expect(
      listModelVariants(['gemini-2.5-pro'], { thinking: false, legacyThinking: true, thinkingSearch: false, fakeStream: false, antiTruncation: false }),
    ).toStrictEqual(['gemini-2.5-pro', 'gemini-2.5-pro-maxthinking', 'gemini-2.5-pro-nothinking', 'gemini-2.5-pro-search']);
    expect(listModelVariants(['gemini-2.5-pro'], { thinking: false, fakeStream: false })).toStrictEqual([
      'gemini-2.5-pro',
      '流式抗截断/gemini-2.5-pro',
      'gemini-2.5-pro-search',
      '流式抗截断/gemini-2.5-pro-search',
    ]);
  });

  it('image models list size × ratio variants and no thinking or search', () => {
    const names = listModelVariants(['gemini-3-pro-image'], { fakeStream: false, antiTruncation: false });
    expect(names).toHaveLength(21);
    expect(names.slice(0, 3)).toStrictEqual(['gemini-3-pro-image', 'gemini-3-pro-image-1x1', 'gemini-3-pro-image-4x3']);
    expect(names).toContain('gemini-3-pro-image-4k-21x9');
    expect(names.some((n) => n.includes('search') || n.endsWith('-high'))).toBe(false);
    expect(listModelVariants(['gemini-3-pro-image'], { imageVariants: false, fakeStream: false, antiTruncation: false })).toStrictEqual([
      'gemini-3-pro-image',
    ]);
  });

  it('every listed name parses back to its base model', () => {
    const bases = ['gemini-2.5-pro', 'gemini-2.5-flash', 'gemini-3-pro-preview', 'gemini-3-flash-preview', 'gemini-3-pro-image'];
    for (const name of listModelVariants(bases, { legacyThinking: true })) {
      expect(bases).toContain(parseModelName(name).baseModel);
    }
  });

  it('no duplicates when a base model repeats', () => {
    expect(listModelVariants(['x', 'x'])).toStrictEqual(['x', '假流式/x', '流式抗截断/x', 'x-search', '假流式/x-search', '流式抗截断/x-search']);
  });
});
