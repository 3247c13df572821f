/**
 * The HTTP error edge (style.md habit 9): the only place where typed errors become status codes. Clients get
 * `{ error: { code, message, issues? } }` and never a stack trace; IntegrityError and unknown errors get a
 * safe message with the request id, and their details go to the server log only.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import {
  ConflictError,
  IntegrityError,
  InvalidInputError,
  isAlphalabError,
  NotFoundError,
  UnavailableError,
} from '../core/errors.ts';

/** One problem with a request field, e.g. `{ path: 'query.limit', message: 'must be ≤ 1000' }`. */
export interface Issue {
  readonly path: string;
  readonly message: string;
}

export interface ErrorBody {
  readonly error: { readonly code: string; readonly message: string; readonly issues?: readonly Issue[] };
}

/** Errors that exist only at the HTTP edge (no domain meaning): auth, a feature this server was started without. */
export class HttpError extends Error {
  constructor(
    readonly statusCode: 401 | 403 | 404 | 503,
    readonly code: 'UNAUTHORIZED' | 'FORBIDDEN' | 'NOT_FOUND' | 'MONITOR_UNAVAILABLE',
    message: string,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

/** A request that failed its zod schema; `part` is params, query or body. */
export class RequestValidationError extends InvalidInputError {
  readonly issues: readonly Issue[];
  constructor(part: string, error: z.ZodError) {
    const issues = error.issues.map((i) => ({
      path: [part, ...i.path.map(String)].join('.'),
      message: i.message,
    }));
    super(`invalid request: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`);
    this.issues = issues;
  }
}

export interface MappedError {
  readonly status: number;
  readonly body: ErrorBody;
  readonly headers: Readonly<Record<string, string>>;
  /** True when the cause is ours (5xx): log it with its stack. */
  readonly internal: boolean;
}

const body = (code: string, message: string, issues?: readonly Issue[]): ErrorBody => ({
  error: issues ? { code, message, issues } : { code, message },
});

/**
 * Status and body for an error thrown by a handler: InvalidInput 400, NotFound 404, Conflict 409,
 * Integrity 500 (safe message), Unavailable 503, HttpError its own status, fastify's client errors (bad
 * JSON, body too large, wrong content type) their 4xx status, anything else 500 (safe message).
 */
export function mapError(e: unknown, requestId: string): MappedError {
  const none = {};
  if (e instanceof HttpError) {
    return { status: e.statusCode, body: body(e.code, e.message), headers: e.headers, internal: false };
  }
  if (e instanceof RequestValidationError)
    return { status: 400, body: body(e.code, e.message, e.issues), headers: none, internal: false };
  if (e instanceof InvalidInputError)
    return { status: 400, body: body(e.code, e.message), headers: none, internal: false };
  if (e instanceof NotFoundError)
    return { status: 404, body: body(e.code, e.message), headers: none, internal: false };
  if (e instanceof ConflictError)
    return { status: 409, body: body(e.code, e.message), headers: none, internal: false };
  if (e instanceof UnavailableError) {
    return {
      status: 503,
      body: body(e.code, `a required service is unavailable (request ${requestId})`),
      headers: { 'retry-after': '5' },
      internal: true,
    };
  }
  if (e instanceof IntegrityError) {
    return {
      status: 500,
      body: body(e.code, `stored data failed an integrity check; see the server log (request ${requestId})`),
      headers: none,
      internal: true,
    };
  }
  const fe = e as Partial<FastifyError>;
  if (
    !isAlphalabError(e) &&
    typeof fe.statusCode === 'number' &&
    fe.statusCode >= 400 &&
    fe.statusCode < 500
  ) {
    // fastify's own client errors (malformed JSON, 413, 415): their messages name the problem, not internals.
    return {
      status: fe.statusCode,
      body: body(fe.statusCode === 400 ? 'INVALID_INPUT' : (fe.code ?? 'BAD_REQUEST'), String(fe.message)),
      headers: none,
      internal: false,
    };
  }
  return {
    status: 500,
    body: body(isAlphalabError(e) ? e.code : 'INTERNAL', `internal error (request ${requestId})`),
    headers: none,
    internal: true,
  };
}

/**
 * fastify error handler: maps, logs 5xx with the cause, replies JSON. Server folders named in 4xx messages
 * are replaced by labels (`[folder, label]` pairs), so clients learn what was missing but not where the
 * server keeps its files.
 */
export function errorHandler(redact: readonly (readonly [string, string])[] = []) {
  const pairs = [...redact].sort((a, b) => b[0].length - a[0].length);
  return (e: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply => {
    const m = mapError(e, request.id);
    if (m.internal) request.log.error({ err: e }, 'request failed');
    else request.log.info({ status: m.status, code: m.body.error.code }, m.body.error.message);
    let message = m.body.error.message;
    for (const [folder, label] of pairs) message = message.replaceAll(folder, label);
    const out: ErrorBody = { error: { ...m.body.error, message } };
    return reply.code(m.status).headers(m.headers).type('application/json; charset=utf-8').send(out);
  };
}
