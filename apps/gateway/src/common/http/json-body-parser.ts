import type { FastifyInstance } from 'fastify';

export const MAX_JSON_DEPTH = 64;

class BodyError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Deepest nesting of a JSON text, counted without parsing (strings and escapes skipped), stopping as
 * soon as `limit` is passed: hostile bodies are refused before JSON.parse builds them.
 */
export function jsonDepthExceeds(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92 /* \ */) i++;
      else if (c === 34 /* " */) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123 /* { */ || c === 91 /* [ */) {
      if (++depth > limit) return true;
    } else if (c === 125 /* } */ || c === 93 /* ] */) depth--;
  }
  return false;
}

/**
 * The JSON body parser of every route (client and admin): size limit (Fastify's bodyLimit), nesting
 * limit, and errors with a status and a message the routes render in their own protocol.
 */
export function registerJsonBodyParser(app: FastifyInstance, bodyLimit: number): void {
  app.addContentTypeParser(['application/json', 'application/*+json'], { parseAs: 'string', bodyLimit }, (_req, body, done) => {
    const text = body as string;
    if (text.length === 0) {
      done(new BodyError(400, 'FST_ERR_CTP_EMPTY_JSON_BODY', 'The request body is empty; send a JSON object.'), undefined);
      return;
    }
    if (jsonDepthExceeds(text, MAX_JSON_DEPTH)) {
      done(new BodyError(400, 'CLIGATE_JSON_TOO_DEEP', `The JSON body is nested deeper than ${MAX_JSON_DEPTH} levels.`), undefined);
      return;
    }
    try {
      done(null, JSON.parse(text));
    } catch {
      done(new BodyError(400, 'FST_ERR_CTP_INVALID_JSON_BODY', 'The request body is not valid JSON.'), undefined);
    }
  });
}
