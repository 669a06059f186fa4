import type { ProviderItem } from '../api/types';

/** How an admin-defined provider's fields become form text and back (POST/PATCH /providers). */

export const HEADER_MASK = '********';

/** "alias=upstream" per line ("name" alone when both are the same). */
export function modelsToText(models: ProviderItem['models']): string {
  return models.map((m) => (m.id === m.upstream ? m.id : `${m.id}=${m.upstream}`)).join('\n');
}

/** One model per line (or comma-separated), blank lines and spaces around "=" dropped. */
export function parseModelsText(text: string): string[] {
  return text
    .split(/[\n,]+/)
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => {
      const eq = line.indexOf('=');
      return eq === -1 ? line : `${line.slice(0, eq).trim()}=${line.slice(eq + 1).trim()}`;
    });
}

/** Aliases listed twice, or lines with an empty side ("=x", "x="). */
export function modelProblems(lines: string[]): string[] {
  const seen = new Set<string>();
  const problems: string[] = [];
  for (const line of lines) {
    const eq = line.indexOf('=');
    const alias = eq === -1 ? line : line.slice(0, eq);
    const upstream = eq === -1 ? line : line.slice(eq + 1);
    if (!alias || !upstream) problems.push(line);
    else if (seen.has(alias)) problems.push(alias);
    seen.add(alias);
  }
  return problems;
}

/** API keys pasted one per line (or separated by spaces or commas). */
export function parseKeysText(text: string): string[] {
  return [...new Set(text.split(/[\s,]+/).map((k) => k.trim()).filter(Boolean))];
}

export interface HeaderRow {
  name: string;
  value: string;
}

export function headersToRows(headers: Record<string, string>): HeaderRow[] {
  return Object.entries(headers).map(([name, value]) => ({ name, value }));
}

/**
 * Header rows → the `headers` object; rows without a name are dropped. `masked` lists the names
 * whose value is still the mask the gateway sent (the real value must be typed again to save).
 */
export function rowsToHeaders(rows: HeaderRow[]): { headers: Record<string, string>; masked: string[] } {
  const headers: Record<string, string> = {};
  const masked: string[] = [];
  for (const row of rows) {
    const name = row.name.trim();
    if (!name) continue;
    headers[name] = row.value;
    if (row.value === HEADER_MASK) masked.push(name);
  }
  return { headers, masked };
}

/** The names clients use: the alias, and "prefix/alias" when the provider has a prefix. */
export function clientModelNames(provider: Pick<ProviderItem, 'models' | 'prefix'>): string[] {
  return provider.models.flatMap((m) => (provider.prefix ? [m.id, `${provider.prefix}/${m.id}`] : [m.id]));
}
