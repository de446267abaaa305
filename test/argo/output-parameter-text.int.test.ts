/**
 * An Argo output parameter read from a file (`valueFrom.path`) loses one trailing newline
 * and nothing else (Argo tester 3, N4: Argo's executor SaveParameters,
 * strings.TrimSuffix(output, "\n"); strata trimmed it whole). The importer asks for the
 * text form of the parameter (`text: true`, docs/flow-language.md, Outputs), which a strata
 * flow may ask for too, at both levels. Real runs through POST /v1/runs on the local runtime.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LEVELS } from '../support/levels.ts';
import { useRunService } from '../support/use-run-service.ts';
import { argoFixtures } from '../support/documents.ts';

const svc = useRunService();
const fixture = readFileSync(argoFixtures('output-text/outparams.yaml').dir, 'utf8');

describe('an Argo output parameter read from a file', () => {
  it('keeps its spaces and a carriage return, less one trailing newline, as Argo', async () => {
    const r = await svc.runToEnd(fixture);
    expect(r.status, JSON.stringify(r.steps)).toBe('succeeded');
    expect(r.steps.gen.parameters).toEqual({ ws: '  spaced  \n', dflt: 'the-default', json: '{"a": 1}', empty: '', crlf: 'x\r' });
    expect(r.steps.show.result).toBe('ws=[  spaced  \n] dflt=[the-default] json=[{"a": 1}] empty=[] crlf=[x\r]');
  });
});

describe.each(LEVELS)('a strata output parameter ($name)', ({ prefix, wrap }) => {
  it('with text: true is the file less one trailing newline; without it, trimmed', async () => {
    const script = "printf '  spaced  \\n\\n' > \"$STRATA_OUTPUTS/ws\"; printf 'x\\r\\n' > \"$STRATA_OUTPUTS/crlf\"";
    const root = {
      sequence: [
        { id: 'exact', task: { image: 'alpine', command: ['sh', '-c', script], outputs: { parameters: { ws: { path: 'ws', text: true }, crlf: { path: 'crlf', text: true }, none: { path: 'none', default: ' d ', text: true } } } } },
        { id: 'trimmed', task: { image: 'alpine', command: ['sh', '-c', script], outputs: { parameters: { ws: { path: 'ws' }, crlf: { path: 'crlf' } } } } },
      ],
    };
    const r = await svc.runToEnd({ flow: { apiVersion: 'strata/v1', kind: 'Flow', metadata: { name: 'text-params', version: '1' }, spec: { root: wrap(root) } } });
    expect(r.status, JSON.stringify(r.steps)).toBe('succeeded');
    expect(r.steps[`${prefix}exact`].parameters).toEqual({ ws: '  spaced  \n', crlf: 'x\r', none: ' d ' });
    expect(r.steps[`${prefix}trimmed`].parameters).toEqual({ ws: 'spaced', crlf: 'x' });
  });
});
