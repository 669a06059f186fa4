/**
 * `data:<mime>[;params];base64,<data>` → media type + base64 payload, for images upstreams return as
 * data URLs (OpenRouter `images[]`). String scans only: it runs inside stream decoders. Undefined
 * for anything that is not a base64 data URL (an http(s) URL has no IR stream form).
 */
export function parseDataUrl(url: string): { mediaType: string; data: string } | undefined {
  if (!url.startsWith('data:')) return undefined;
  const marker = url.indexOf(';base64,');
  if (marker === -1) return undefined;
  const semicolon = url.indexOf(';');
  const mediaType = url.slice(5, semicolon).toLowerCase();
  return { mediaType: mediaType.length > 0 ? mediaType : 'application/octet-stream', data: url.slice(marker + 8) };
}
