/** The HTTP API (Hono): routes of DESIGN.md section 5, auth, body limit, one error handler. */
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { StrataError } from '../errors/strata-error.ts';
import { bearerAuth } from './auth.ts';
import type { ApiDeps } from './deps.ts';
import { errorResponse } from './error-handler.ts';
import { openApiDocument } from './openapi.ts';
import { datasetsRoutes } from './routes/datasets.ts';
import { flowsRoutes } from './routes/flows.ts';
import { generatorsRoutes } from './routes/generators.ts';
import { healthRoutes } from './routes/health.ts';
import { plansRoutes } from './routes/plans.ts';
import { rulesRoutes } from './routes/rules.ts';
import { runsRoutes } from './routes/runs.ts';
import { requestLog } from './request-log.ts';

export function createApp(deps: ApiDeps): Hono {
  const app = new Hono();
  app.onError((err, c) => errorResponse(err, c, deps.logger));
  app.notFound((c) => c.json(new StrataError('not_found', `no route ${c.req.method} ${c.req.path}`).toJSON(), 404));
  app.use('*', requestLog(deps.logger));
  app.use('*', bearerAuth(deps.tokens));
  app.use('/v1/*', bodyLimit({ maxSize: deps.maxBodyBytes, onError: () => { throw new StrataError('too_large', `request body larger than ${deps.maxBodyBytes} bytes`); } }));
  app.route('/', healthRoutes(deps));
  app.get('/openapi.json', (c) => c.json(openApiDocument()));
  app.route('/v1/datasets', datasetsRoutes(deps));
  app.route('/v1/rules', rulesRoutes(deps));
  app.route('/v1/flows', flowsRoutes(deps));
  app.route('/v1/plans', plansRoutes(deps));
  app.route('/v1/runs', runsRoutes(deps));
  app.route('/v1/generators', generatorsRoutes(deps));
  return app;
}
