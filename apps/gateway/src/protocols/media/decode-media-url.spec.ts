import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../common/errors/gateway-error.js';
import { decodeMediaUrl, mediaTypeFromUrl } from './decode-media-url.js';

describe('decodeMediaUrl', () => {
  it('base64 data URL → inline file (media type lower-cased, parameters allowed)', () => {
    expect(decodeMediaUrl('data:Image/PNG;name=a.png;base64,iVBOR', 'p')).toStrictEqual({ type: 'file', mediaType: 'image/png', data: 'iVBOR' });
  });

  it('http(s) URL → URL file with a media type from the extension', () => {
    expect(decodeMediaUrl('https://x.test/a.JPG?s=1#f', 'p')).toStrictEqual({ type: 'file', mediaType: 'image/jpeg', url: 'https://x.test/a.JPG?s=1#f' });
    expect(mediaTypeFromUrl('http://x.test/doc.pdf')).toBe('application/pdf');
    expect(mediaTypeFromUrl('http://x.test/blob')).toBe('application/octet-stream');
  });

  it('non-base64 data URLs and other schemes are a 400 naming the param', () => {
    for (const url of ['data:image/svg+xml,<svg/>', 'ftp://x/a.png', 'a.png']) {
      const error = (() => {
        try {
          decodeMediaUrl(url, 'input[0].image_url');
        } catch (e) {
          return e;
        }
        return undefined;
      })();
      expect(error).toBeInstanceOf(GatewayError);
      expect((error as GatewayError).param).toBe('input[0].image_url');
    }
  });
});
