/**
 * The dashboard's static files (web/dist, built by `npm run build:web`) on the API's origin. When the build
 * is missing, every dashboard path answers 503 with a page saying how to build it; the API still works.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

/** web/dist of this checkout. */
export const DEFAULT_WEB_DIR = fileURLToPath(new URL('../../web/dist', import.meta.url));

export const NOT_BUILT_HTML = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>alphalab dashboard not built</title></head>
<body style="font-family:system-ui,sans-serif;max-width:40rem;margin:4rem auto;line-height:1.5">
<h1>The alphalab dashboard is not built</h1>
<p>Build it once with <code>npm run build:web</code> (it writes <code>web/dist</code>) and reload this page.</p>
<p>The HTTP API is running: see <a href="/openapi.json">/openapi.json</a> and <a href="/api/health">/api/health</a>.</p>
</body></html>`;

export function dashboardBuilt(webDir: string): boolean {
  return existsSync(join(webDir, 'index.html'));
}

export async function registerDashboard(app: FastifyInstance, webDir: string): Promise<void> {
  if (dashboardBuilt(webDir)) {
    await app.register(fastifyStatic, { root: webDir, prefix: '/', wildcard: false, index: ['index.html'] });
  }
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0]!;
    if (path.startsWith('/api/') || request.method !== 'GET') {
      return reply
        .code(404)
        .type('application/json; charset=utf-8')
        .send({
          error: { code: 'NOT_FOUND', message: `no route ${request.method} ${path} (see /openapi.json)` },
        });
    }
    if (!dashboardBuilt(webDir)) return reply.code(503).type('text/html; charset=utf-8').send(NOT_BUILT_HTML);
    // Client-side routes fall back to the single page.
    return reply.type('text/html; charset=utf-8').sendFile('index.html');
  });
}
