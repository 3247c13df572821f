/**
 * Routes as data: each route declares zod schemas for its params, query, body and response, so that one
 * declaration drives request validation (400 naming every bad field), the handler's types, the OpenAPI
 * document (openapi.ts) and, in tests, a check that what the client receives matches the declared response.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { RequestValidationError } from './http-errors.ts';

export type HttpMethod = 'GET' | 'POST';

export interface RouteInput<P, Q, B> {
  readonly params: P;
  readonly query: Q;
  readonly body: B;
  readonly request: FastifyRequest;
  readonly reply: FastifyReply;
}

export interface RouteSpec<
  P extends z.ZodType = z.ZodType,
  Q extends z.ZodType = z.ZodType,
  B extends z.ZodType = z.ZodType,
  R extends z.ZodType = z.ZodType,
> {
  readonly method: HttpMethod;
  /** fastify path, e.g. `/api/models/:name`. */
  readonly url: string;
  readonly summary: string;
  readonly description?: string;
  readonly tag: string;
  readonly params?: P;
  readonly query?: Q;
  readonly body?: B;
  /** Schema of the JSON the client receives (after JSON serialisation: NaN becomes null). */
  readonly response: R;
  /** Content type of a 200 response; default JSON. Non-JSON routes send the reply themselves. */
  readonly produces?: 'application/json' | 'text/html';
  /** Mutating routes require the bearer token (auth.ts). */
  readonly auth?: boolean;
  handler(input: RouteInput<z.output<P>, z.output<Q>, z.output<B>>): Promise<z.input<R> | undefined>;
}

/** Identity function that infers the schema types of a route. */
export function route<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType, R extends z.ZodType>(
  spec: RouteSpec<P, Q, B, R>,
): RouteSpec<P, Q, B, R> {
  return spec;
}

function parsePart(schema: z.ZodType | undefined, value: unknown, part: string): unknown {
  if (!schema) return undefined;
  const r = schema.safeParse(value ?? {});
  if (!r.success) throw new RequestValidationError(part, r.error);
  return r.data;
}

export interface RegisterOptions {
  /** Called before the handler of routes with `auth: true`. */
  readonly authorize: (request: FastifyRequest) => void;
  /** Check every JSON response against its schema (tests); a mismatch is a 500. */
  readonly validateResponses: boolean;
}

/** Registers `spec` on `app`. */
export function registerRoute(app: FastifyInstance, spec: RouteSpec, options: RegisterOptions): void {
  app.route({
    method: spec.method,
    url: spec.url,
    handler: async (request, reply) => {
      if (spec.auth) options.authorize(request);
      const params = parsePart(spec.params, request.params, 'params');
      const query = parsePart(spec.query, request.query, 'query');
      const body = parsePart(spec.body, request.body, 'body');
      const out = await spec.handler({ params, query, body, request, reply });
      if (spec.produces === 'text/html') return reply;
      if (options.validateResponses) {
        const wire: unknown = JSON.parse(JSON.stringify(out));
        const r = spec.response.safeParse(wire);
        if (!r.success)
          throw new Error(
            `response of ${spec.method} ${spec.url} does not match its schema: ${z.prettifyError(r.error)}`,
          );
      }
      return reply.type('application/json; charset=utf-8').send(JSON.stringify(out));
    },
  });
}
