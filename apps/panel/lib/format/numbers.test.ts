import { describe, expect, it } from 'vitest';
import { clampPercent, formatBytes, formatCompact, formatNumber, formatPercent, parseList, parsePositiveInt, quotaTone, usagePercent } from './numbers';

describe('numbers', () => {
  it('formats numbers per language, with a dash for missing values', () => {
    expect(formatNumber(1234567, 'en')).toBe('1,234,567');
    expect(formatNumber(1234567, 'zh')).toBe('1,234,567');
    expect(formatNumber(0.125, 'en')).toBe('0.13');
    expect(formatNumber(null)).toBe('—');
    expect(formatNumber(Number.NaN)).toBe('—');
  });

  it('formats compact numbers for chart axes', () => {
    expect(formatCompact(1234, 'en')).toBe('1.2K');
    expect(formatCompact(25_000, 'zh')).toBe('2.5万');
    expect(formatCompact(0, 'en')).toBe('0');
  });

  it('formats percentages from 0–100', () => {
    expect(formatPercent(42.123)).toBe('42.1%');
    expect(formatPercent(50)).toBe('50%');
    expect(formatPercent(99.96)).toBe('100%');
    expect(formatPercent(undefined)).toBe('—');
  });

  it('computes and clamps usage percentages', () => {
    expect(usagePercent(25, 100)).toBe(25);
    expect(usagePercent(150, 100)).toBe(100);
    expect(usagePercent(5, 0)).toBe(0);
    expect(clampPercent(-3)).toBe(0);
    expect(clampPercent(Number.NaN)).toBe(0);
  });

  it('picks a quota tone by percentage', () => {
    expect([0, 69.9, 70, 89.9, 90, 100].map(quotaTone)).toEqual(['ok', 'ok', 'warn', 'warn', 'critical', 'critical']);
  });

  it('formats byte sizes', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1.5 KB');
    expect(formatBytes(20 * 1024 * 1024)).toBe('20 MB');
    expect(formatBytes(-1)).toBe('—');
  });

  it('parses model lists and positive integers from form fields', () => {
    expect(parseList(' gemini-2.5-pro, gemini-2.5-flash\ngemini-2.5-pro，x ')).toEqual(['gemini-2.5-pro', 'gemini-2.5-flash', 'x']);
    expect(parseList('')).toEqual([]);
    expect(parsePositiveInt(' 1000 ')).toBe(1000);
    expect(parsePositiveInt('0')).toBeNull();
    expect(parsePositiveInt('1.5')).toBeNull();
    expect(parsePositiveInt('-2')).toBeNull();
    expect(parsePositiveInt('99999999999999999999')).toBeNull();
  });
});
