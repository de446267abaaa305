/** The HTTP API (Hono): routes of DESIGN.md section 5, origin checks, auth, body limit, one error handler. */
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { pastLimit, StrataError } from '../errors/strata-error.ts';
import { bearerAuth } from './auth.ts';
import { inlinePool } from './cpu/cpu-pool.ts';
import type { ApiDeps, RouteDeps } from './deps.ts';
import { errorResponse } from './error-handler.ts';
import { openApiDocument } from './openapi/document.ts';
import { originGuard } from './origin-guard.ts';
import { schemasRoutes } from './routes/schemas.ts';
import { datasetsRoutes } from './routes/datasets.ts';
import { flowsRoutes } from './routes/flows.ts';
import { generatorsRoutes } from './routes/generators.ts';
import { healthRoutes } from './routes/health.ts';
import { hooksRoutes } from './routes/hooks.ts';
import { schedulesRoutes } from './routes/schedules.ts';
import { plansRoutes } from './routes/plans.ts';
import { rulesRoutes } from './routes/rules.ts';
import { runsRoutes } from './routes/runs.ts';
import { requestLog } from './request-log.ts';
import { singleQueryParams } from './query-params.ts';
import { uiRoutes } from './routes/ui.ts';

/** YAML bodies may be this fraction of maxBodyBytes unless configured (YAML parses about 200 times slower than JSON). */
const YAML_SHARE = 8;

export function createApp(deps: ApiDeps): Hono {
  const maxYamlBytes = deps.maxYamlBytes ?? Math.floor(deps.maxBodyBytes / YAML_SHARE);
  const d: RouteDeps = {
    ...deps,
    prefix: deps.prefix ?? 'strata',
    cpu: deps.cpu ?? inlinePool({ defs: deps.defs, builtinRules: deps.builtinRules, generators: deps.generators, limits: { maxBytes: deps.maxBodyBytes, maxYamlBytes, ...(deps.sizeLimits ? { maxNesting: deps.sizeLimits.maxTextNesting } : {}) }, ...(deps.paramsLimits ? { paramsLimits: deps.paramsLimits } : {}), ...(deps.sizeLimits ? { sizeLimits: deps.sizeLimits } : {}) }),
  };
  const app = new Hono();
  app.onError((err, c) => errorResponse(err, c, deps.logger));
  app.notFound((c) => {
    // `/v1/flows/x/` (a version left out) or `/v1/rules/` matches no route: say what is wrong with the path
    // of a definition by name (a run's paths are ids, and `steps/x/..` arrives as `steps/`).
    const empty = /^\/v1\/(flows|rules|schedules|hooks|datasets)(\/[^/]*)*?(\/\/|\/$)/.test(c.req.path);
    const e = empty
      ? new StrataError('invalid_request', `${c.req.method} ${c.req.path}: a part of the path is empty (a name, version or id left out?)`)
      : new StrataError('not_found', `no route ${c.req.method} ${c.req.path}`);
    return c.json(e.toJSON(), empty ? 400 : 404);
  });
  app.use('*', requestLog(deps.logger));
  app.use('*', originGuard({ loopbackOnly: deps.tokens.length === 0, allowedOrigins: deps.allowedOrigins ?? [] }));
  app.use('*', bearerAuth(deps.tokens));
  app.use('/v1/*', singleQueryParams());
  app.use('/v1/*', bodyLimit({ maxSize: deps.maxBodyBytes, onError: () => { throw pastLimit('too_large', `request body larger than ${deps.maxBodyBytes} bytes, the limit (STRATA_MAX_BODY_BYTES)`, 'STRATA_MAX_BODY_BYTES'); } }));
  app.route('/', healthRoutes(d));
  app.get('/openapi.json', (c) => c.json(openApiDocument()));
  app.route('/v1/datasets', datasetsRoutes(d));
  app.route('/v1/rules', rulesRoutes(d));
  app.route('/v1/flows', flowsRoutes(d));
  app.route('/v1/plans', plansRoutes(d));
  app.route('/v1/runs', runsRoutes(d));
  app.route('/v1/generators', generatorsRoutes(d));
  app.route('/v1/schedules', schedulesRoutes(d));
  app.route('/v1/hooks', hooksRoutes(d));
  app.route('/schemas', schemasRoutes());
  app.route('/', uiRoutes(deps.uiDir));
  return app;
}
