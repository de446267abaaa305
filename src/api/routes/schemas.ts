/** GET /schemas/<Kind>.json: the documents' JSON Schemas for editors (Flow, Dataset, Rule, Schedule, Hook). */
import { Hono } from 'hono';
import { StrataError } from '../../errors/strata-error.ts';
import { DOCUMENTS, documentJsonSchema, type DocumentKind } from '../openapi/documents.ts';

export function schemasRoutes(): Hono {
  const app = new Hono();
  app.get('/:file{[A-Za-z]+\\.json}', (c) => {
    const kind = c.req.param('file').slice(0, -'.json'.length);
    if (!Object.hasOwn(DOCUMENTS, kind)) throw new StrataError('not_found', `no schema ${kind}.json; there are ${Object.keys(DOCUMENTS).map((k) => `${k}.json`).join(', ')}`);
    return c.json(documentJsonSchema(kind as DocumentKind));
  });
  return app;
}
