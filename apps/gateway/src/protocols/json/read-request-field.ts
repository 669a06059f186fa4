/**
 * Narrow type checks for client request fields. Each returns undefined for an absent or `null`
 * field (clients send `null` for "not set") and throws GatewayError('invalid_request') naming the
 * field for a wrong type, so the client gets a protocol-correct 400.
 */
import { invalidRequest } from '../../common/errors/gateway-error.js';

export function readOptionalNumber(value: unknown, param: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw invalidRequest(`${param} must be a number`, param);
  return value;
}

export function readOptionalInteger(value: unknown, param: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value)) throw invalidRequest(`${param} must be an integer`, param);
  return value;
}

export function readOptionalBoolean(value: unknown, param: string): boolean | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') throw invalidRequest(`${param} must be a boolean`, param);
  return value;
}

export function readOptionalString(value: unknown, param: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw invalidRequest(`${param} must be a string`, param);
  return value;
}

export function readOptionalObject(value: unknown, param: string): Record<string, unknown> | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) throw invalidRequest(`${param} must be an object`, param);
  return value as Record<string, unknown>;
}

export function readOptionalArray(value: unknown, param: string): unknown[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) throw invalidRequest(`${param} must be an array`, param);
  return value;
}

/** Present and a JSON object (the request body itself, a message, a part). */
export function readRequiredObject(value: unknown, param: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalidRequest(`${param} must be an object`, param);
  }
  return value as Record<string, unknown>;
}

export function readRequiredString(value: unknown, param: string): string {
  if (typeof value !== 'string') {
    throw invalidRequest(value === undefined || value === null ? `${param} is required` : `${param} must be a string`, param);
  }
  return value;
}

export function readRequiredArray(value: unknown, param: string): unknown[] {
  if (!Array.isArray(value)) {
    throw invalidRequest(value === undefined || value === null ? `${param} is required` : `${param} must be an array`, param);
  }
  return value;
}

/** An array of strings, or undefined when absent / null. */
export function readOptionalStringArray(value: unknown, param: string): string[] | undefined {
  const array = readOptionalArray(value, param);
  if (array === undefined) return undefined;
  for (let i = 0; i < array.length; i++) {
    if (typeof array[i] !== 'string') throw invalidRequest(`${param}[${i}] must be a string`, `${param}[${i}]`);
  }
  return array as string[];
}
