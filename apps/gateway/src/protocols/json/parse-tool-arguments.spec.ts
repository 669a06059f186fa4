import { describe, expect, it } from 'vitest';
import { parseToolArguments } from './parse-tool-arguments.js';

describe('parseToolArguments', () => {
  it('parses a JSON object', () => {
    expect(parseToolArguments('{"city":"Paris","n":0,"ok":false,"s":""}')).toStrictEqual({ city: 'Paris', n: 0, ok: false, s: '' });
  });

  it('reads empty text, whitespace and null as no arguments', () => {
    expect(parseToolArguments('')).toStrictEqual({});
    expect(parseToolArguments('  \n')).toStrictEqual({});
    expect(parseToolArguments('null')).toStrictEqual({});
  });

  it('refuses broken JSON and JSON that is not an object', () => {
    expect(parseToolArguments('{"city": "Pa')).toBeUndefined();
    expect(parseToolArguments('[1,2]')).toBeUndefined();
    expect(parseToolArguments('"text"')).toBeUndefined();
    expect(parseToolArguments('42')).toBeUndefined();
  });
});
