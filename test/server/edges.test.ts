/** Unit tests of the server's edges: error mapping, the OpenAPI document, CSV reading, per-feature PSI. */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  ConflictError,
  IntegrityError,
  InvalidInputError,
  NotConvergedError,
  NotFoundError,
  UnavailableError,
} from '../../src/core/errors.ts';
import {
  HttpError,
  mapError,
  openApiDocument,
  psiByFeature,
  RequestValidationError,
  route,
} from '../../src/server/index.ts';
import { csvRow, parseCsv } from '../../src/server/sources/csv.ts';

describe('mapError', () => {
  it('maps each typed error to its status, with safe messages for server-side failures', () => {
    const cases: [unknown, number, string][] = [
      [new InvalidInputError('bad date', { where: { date: 'x' } }), 400, 'INVALID_INPUT'],
      [new NotFoundError('no model'), 404, 'NOT_FOUND'],
      [new ConflictError('no previous version'), 409, 'CONFLICT'],
      [new IntegrityError('sha mismatch', { where: { file: '/srv/secret/F.parquet' } }), 500, 'INTEGRITY'],
      [new UnavailableError('pg down at 10.0.0.5'), 503, 'UNAVAILABLE'],
      [new NotConvergedError('solver', 10, { r: 1 }), 500, 'NOT_CONVERGED'],
      [new TypeError('x is undefined'), 500, 'INTERNAL'],
      [new HttpError(401, 'UNAUTHORIZED', 'no token'), 401, 'UNAUTHORIZED'],
      [
        Object.assign(new Error('Unexpected end of JSON input'), {
          statusCode: 400,
          code: 'FST_ERR_CTP_INVALID_JSON',
        }),
        400,
        'INVALID_INPUT',
      ],
      [
        Object.assign(new Error('Request body is too large'), {
          statusCode: 413,
          code: 'FST_ERR_CTP_BODY_TOO_LARGE',
        }),
        413,
        'FST_ERR_CTP_BODY_TOO_LARGE',
      ],
    ];
    for (const [e, status, code] of cases) {
      const m = mapError(e, 'req-7');
      expect([m.status, m.body.error.code], String(e)).toEqual([status, code]);
      if (status >= 500) {
        expect(m.internal).toBe(true);
        expect(m.body.error.message).toContain('req-7');
        expect(m.body.error.message).not.toMatch(/secret|10\.0\.0\.5|undefined|solver/);
      }
    }
    expect(
      mapError(new InvalidInputError('bad date', { where: { date: 'x' } }), 'r').body.error.message,
    ).toBe('bad date (date x)');
  });

  it('lists every failing field of a request with its path', () => {
    const r = z.object({ limit: z.number().max(10), name: z.string() }).safeParse({ limit: 11 });
    const e = new RequestValidationError('query', r.error!);
    const m = mapError(e, 'r');
    expect(m.status).toBe(400);
    expect(m.body.error.issues!.map((i) => i.path)).toEqual(['query.limit', 'query.name']);
  });
});

describe('openApiDocument', () => {
  it('describes paths, parameters, bodies, responses and security from the zod schemas', () => {
    const routes = [
      route({
        method: 'GET',
        url: '/api/things/:name',
        tag: 't',
        summary: 'a thing',
        params: z.object({ name: z.string() }),
        query: z.object({ limit: z.coerce.number().int().max(5).default(2), q: z.string().optional() }),
        response: z.object({ n: z.number().nullable() }),
        handler: async () => ({ n: null }),
      }),
      route({
        method: 'POST',
        url: '/api/things/:name/touch',
        tag: 't',
        summary: 'touch',
        auth: true,
        params: z.object({ name: z.string() }),
        body: z.object({ version: z.number().int() }),
        response: z.object({ ok: z.boolean() }),
        handler: async () => ({ ok: true }),
      }),
    ];
    const doc = openApiDocument(routes, { title: 't', version: '1' }) as {
      openapi: string;
      paths: Record<
        string,
        Record<
          string,
          {
            parameters: { name: string; in: string; required: boolean; schema: Record<string, unknown> }[];
            security?: unknown;
            requestBody?: { content: Record<string, { schema: { required: string[] } }> };
            responses: Record<string, { content?: Record<string, { schema: Record<string, unknown> }> }>;
          }
        >
      >;
    };
    expect(doc.openapi).toBe('3.1.0');
    const get = doc.paths['/api/things/{name}']!.get!;
    expect(get.parameters.map((p) => [p.name, p.in, p.required])).toEqual([
      ['name', 'path', true],
      ['limit', 'query', false],
      ['q', 'query', false],
    ]);
    expect(get.parameters[1]!.schema).toMatchObject({ type: 'integer', maximum: 5, default: 2 });
    expect(get.responses['200']!.content!['application/json']!.schema).toMatchObject({
      properties: { n: { type: ['number', 'null'] } },
    });
    expect(get.security).toBeUndefined();
    const post = doc.paths['/api/things/{name}/touch']!.post!;
    expect(post.security).toEqual([{ bearer: [] }]);
    expect(post.requestBody!.content['application/json']!.schema.required).toEqual(['version']);
    expect(Object.keys(post.responses)).toEqual(expect.arrayContaining(['200', '400', '401', '403', '409']));
  });
});

describe('parseCsv', () => {
  it('types numeric columns (empty = NaN, inf), keeps text, honours quotes', () => {
    const t = parseCsv('date,name,x\n2024-01-02,"a,b",1.5\n2024-01-03,c,\n2024-01-04,"d""e",-inf\n', 'f.csv');
    expect(t.columns).toEqual(['date', 'name', 'x']);
    expect(t.data[0]).toEqual(['2024-01-02', '2024-01-03', '2024-01-04']);
    expect(t.data[1]).toEqual(['a,b', 'c', 'd"e']);
    expect(Array.from(t.data[2] as Float64Array)).toEqual([1.5, Number.NaN, -Infinity]);
    expect(csvRow(t, 1)).toEqual({ date: '2024-01-03', name: 'c', x: null });
    expect(parseCsv('a,b\n', 'g.csv').rows).toBe(0);
  });

  it('refuses a ragged row and an empty file, naming the file and row', () => {
    expect(() => parseCsv('a,b\n1,2\n3\n', 'r.csv')).toThrow(/row 3/);
    expect(() => parseCsv('', 'e.csv')).toThrow(IntegrityError);
  });
});

describe('psiByFeature', () => {
  it('reads each supported details shape, with non-numbers as NaN', () => {
    const m = psiByFeature({ psiByFeature: { a: 0.1, b: null } });
    expect([...m]).toEqual([
      ['a', 0.1],
      ['b', Number.NaN],
    ]);
    expect([...psiByFeature({ psi_by_feature: { c: 0.3 } })]).toEqual([['c', 0.3]]);
    expect([...psiByFeature({ psi: { d: 0.4 } })]).toEqual([['d', 0.4]]);
    expect([...psiByFeature({ features: { e: { psi: 0.5 }, f: { n: 3 } } })]).toEqual([
      ['e', 0.5],
      ['f', Number.NaN],
    ]);
    // the monitor's own layout (src/monitor/run-day.ts metricsDetails)
    const monitor = psiByFeature({
      values: { psi_max: 0.3 },
      psi: [
        { feature: 'g', psi: 0.3, eligible: true },
        { feature: 'h', psi: null },
      ],
    });
    expect([...monitor]).toEqual([
      ['g', 0.3],
      ['h', Number.NaN],
    ]);
    expect(psiByFeature(null).size).toBe(0);
    expect(psiByFeature({ psi: 0.2 }).size).toBe(0);
  });
});
