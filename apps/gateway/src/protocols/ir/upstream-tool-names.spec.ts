import { describe, expect, it } from 'vitest';
import { createToolNameRestorer, upstreamToolName } from './upstream-tool-names.js';

const LONG = 'mcp__claude_in_chrome_browser_automation__computer_use_take_screenshot_of_tab';

describe('upstreamToolName', () => {
  it('keeps names that fit untouched', () => {
    expect(upstreamToolName('get_weather')).toBe('get_weather');
    expect(upstreamToolName('a'.repeat(64))).toBe('a'.repeat(64));
  });

  it('aliases long or invalid names deterministically, within the limit, without collisions', () => {
    const alias = upstreamToolName(LONG);
    expect(alias).toHaveLength(64);
    expect(alias).toMatch(/^mcp__claude_in_chrome_browser_automation__computer_use__[0-9a-f]{8}$/);
    expect(upstreamToolName(LONG)).toBe(alias);
    expect(upstreamToolName('files.read')).toMatch(/^files_read_[0-9a-f]{8}$/);
    expect(upstreamToolName('files.read')).not.toBe(upstreamToolName('files:read'));
    expect(upstreamToolName('')).toMatch(/^_[0-9a-f]{8}$/);
  });
});

describe('createToolNameRestorer', () => {
  it('maps aliases back and leaves other names alone; nothing to restore → undefined', () => {
    const restore = createToolNameRestorer(['get_weather', LONG])!;
    expect(restore(upstreamToolName(LONG))).toBe(LONG);
    expect(restore('get_weather')).toBe('get_weather');
    expect(restore('unknown')).toBe('unknown');
    expect(createToolNameRestorer(['get_weather', 'now'])).toBeUndefined();
    expect(createToolNameRestorer(undefined)).toBeUndefined();
  });
});
