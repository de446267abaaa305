/**
 * The web UI (ui/), built to static files: `/` redirects to `/ui/runs`, every page path
 * answers the single page (ui/dist/index.html), `/ui/assets/*` the hashed bundles. The
 * pages hold no data: they read it from /v1 with the caller's bearer token, so they are
 * served without one (see docs/ui.md).
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { serveStatic } from '@hono/node-server/serve-static';
import { Hono } from 'hono';
import { StrataError } from '../../errors/strata-error.ts';

/** Page paths of the contract (DESIGN.md section 5); anything else under /ui/ is a 404. */
const PAGES = /^\/ui\/(runs(\/[^/]+)?|datasets\/[^/]+|flows(\/[^/]+)?|rules|generators)\/?$/;

export function uiRoutes(dir: string | undefined): Hono {
  const app = new Hono();
  app.get('/', (c) => c.redirect('/ui/runs'));
  app.get('/ui', (c) => c.redirect('/ui/runs'));
  app.get('/ui/', (c) => c.redirect('/ui/runs'));
  const built = () => dir !== undefined && existsSync(join(dir, 'index.html'));
  app.use('/ui/assets/*', async (c, next) => {
    if (!built()) return next();
    return serveStatic({
      root: dir,
      rewriteRequestPath: (p) => p.slice('/ui'.length),
      // File names carry a content hash: a browser may keep them for good.
      onFound: (_p, ctx) => void ctx.header('cache-control', 'public, max-age=31536000, immutable'),
    })(c, next);
  });
  app.get('/ui/*', async (c) => {
    if (!PAGES.test(c.req.path)) throw new StrataError('not_found', `no page ${c.req.path}`);
    if (!built()) throw new StrataError('unavailable', 'the web UI is not built: run `npm run build:ui` (it needs the dev dependencies)');
    const html = await readFile(join(dir!, 'index.html'), 'utf8');
    return c.html(html, 200, { 'cache-control': 'no-cache' });
  });
  return app;
}
