/** Shared helpers of the API tests: JSON requests through fastify's inject, and the no-leak checks. */
import type { FastifyInstance } from 'fastify';
import { expect } from 'vitest';

export interface JsonResponse {
  readonly status: number;
  readonly headers: Record<string, unknown>;
  // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON bodies
  readonly body: any;
  readonly text: string;
}

export async function call(
  app: FastifyInstance,
  method: 'GET' | 'POST',
  url: string,
  options: { body?: unknown; token?: string; rawBody?: string } = {},
): Promise<JsonResponse> {
  const headers: Record<string, string> = {};
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
  if (options.body !== undefined || options.rawBody !== undefined)
    headers['content-type'] = 'application/json';
  const res = await app.inject({
    method,
    url,
    headers,
    ...(options.rawBody !== undefined
      ? { payload: options.rawBody }
      : options.body !== undefined
        ? { payload: JSON.stringify(options.body) }
        : {}),
  });
  const ct = String(res.headers['content-type'] ?? '');
  return {
    status: res.statusCode,
    headers: res.headers,
    body: ct.includes('json') ? res.json() : undefined,
    text: res.body,
  };
}

/** An error response: the status, the code, and no stack trace or file path in what the client sees. */
export function expectError(res: JsonResponse, status: number, code: string): void {
  expect(res.status, res.text).toBe(status);
  expect(res.body.error.code).toBe(code);
  expect(typeof res.body.error.message).toBe('string');
  expect(res.text).not.toMatch(/\n\s+at |\.ts:\d+|node_modules/);
}
