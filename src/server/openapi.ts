/**
 * The OpenAPI 3.1 document, generated from the routes' zod schemas with `z.toJSONSchema` (OpenAPI 3.1 uses
 * JSON Schema 2020-12, which is what zod emits). Request parts are described as zod accepts them (`io:
 * 'input'`: defaults and coercions), responses as clients receive them.
 */
import { z } from 'zod';
import type { RouteSpec } from './route.ts';

type JsonSchema = Record<string, unknown>;

const errorSchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  }),
});

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const s = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonSchema;
  delete s.$schema;
  return s;
}

function parameters(schema: z.ZodType | undefined, where: 'path' | 'query'): JsonSchema[] {
  if (!schema) return [];
  const s = jsonSchema(schema, 'input');
  const props = (s.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((s.required as string[] | undefined) ?? []);
  return Object.entries(props).map(([name, p]) => {
    const { description, ...rest } = p;
    return {
      name,
      in: where,
      required: where === 'path' || required.has(name),
      ...(description === undefined ? {} : { description }),
      schema: rest,
    };
  });
}

const errorResponse = (description: string) => ({
  description,
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
});

export interface OpenApiInfo {
  readonly title: string;
  readonly version: string;
  readonly description?: string;
}

/** The OpenAPI 3.1 document of `routes`. */
export function openApiDocument(routes: readonly RouteSpec[], info: OpenApiInfo): JsonSchema {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) {
    const path = r.url.replace(/:([A-Za-z_]\w*)/g, '{$1}');
    const responses: Record<string, unknown> = {
      200: {
        description: 'OK',
        content:
          r.produces === 'text/html'
            ? { 'text/html': { schema: { type: 'string' } } }
            : { 'application/json': { schema: jsonSchema(r.response, 'output') } },
      },
      400: errorResponse('Invalid request: the message and `issues` name each bad field'),
      404: errorResponse('Not found'),
      500: errorResponse('Internal error (safe message; details in the server log)'),
      503: errorResponse('A required service is unavailable'),
    };
    if (r.auth) {
      responses[401] = errorResponse('No bearer token was sent');
      responses[403] = errorResponse('The token does not match, or no token is configured');
      responses[409] = errorResponse('Conflicts with the current state');
    }
    const op: Record<string, unknown> = {
      operationId: `${r.method.toLowerCase()}${path.replace(/[{}]/g, '').replace(/[^A-Za-z0-9]+(.)?/g, (_, c: string | undefined) => (c ? c.toUpperCase() : ''))}`,
      summary: r.summary,
      tags: [r.tag],
      parameters: [...parameters(r.params, 'path'), ...parameters(r.query, 'query')],
      responses,
    };
    if (r.description) op.description = r.description;
    if (r.body)
      op.requestBody = {
        required: true,
        content: { 'application/json': { schema: jsonSchema(r.body, 'input') } },
      };
    if (r.auth) op.security = [{ bearer: [] }];
    paths[path] ??= {};
    paths[path][r.method.toLowerCase()] = op;
  }
  return {
    openapi: '3.1.0',
    info,
    paths,
    components: {
      schemas: { Error: jsonSchema(errorSchema, 'output') },
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
    },
  };
}
