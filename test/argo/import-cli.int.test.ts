/** `strata import argo` as users run it: a real process (node bin/strata.js), its output and exit code. */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { runStrata } from '../support/processes.ts';

const ROOT = join(import.meta.dirname, '../..');
const FIXTURES = join(ROOT, 'test/fixtures/argo');

const strata = (...args: string[]) => runStrata(args);

describe('strata import argo', () => {
  it('prints the WorkflowTemplate\'s units, then each Workflow\'s flow, as YAML documents', async () => {
    const out = await strata('import', 'argo', join(FIXTURES, 'template-ref.yaml'));
    expect(out.code).toBe(0);
    expect(parseAllDocuments(out.stdout).map((d) => (d.toJS() as { metadata: { name: string } }).metadata.name)).toEqual(['greetings.greet', 'greetings', 'uses-template', 'runs-template']);
  });

  it('prints JSON with -o json', async () => {
    const out = await strata('import', 'argo', join(FIXTURES, 'hello.yaml'), '-o', 'json');
    expect(JSON.parse(out.stdout)).toMatchObject({ apiVersion: 'strata/v1', kind: 'Flow', metadata: { name: 'hello' }, spec: { root: { id: 'main', task: { args: ['hello from strata'], result: 'text' } } } });
  });

  it('exits 2 naming the field and the template it cannot map, without a stack trace', async () => {
    const out = await strata('import', 'argo', join(FIXTURES, 'bad', 'suspend.yaml'));
    expect(out.code).toBe(2);
    expect(out.stdout).toBe('');
    expect(out.stderr).toContain('spec.templates[1](wait).suspend: Argo field "suspend" is not supported');
    expect(out.stderr).not.toMatch(/\n\s+at /);
  });

  it('refuses a file that holds no Argo document, and a kind other than argo', async () => {
    const flow = await strata('import', 'argo', join(ROOT, 'examples/flows/sequence.yaml'));
    expect(flow.code).toBe(2);
    expect(flow.stderr).toContain('not an Argo document');
    const kind = await strata('import', 'tekton', join(FIXTURES, 'hello.yaml'));
    expect(kind.code).toBe(2);
    expect(kind.stderr).toContain('strata import knows argo, not "tekton"');
  });

  it('strata apply refuses an Argo file it cannot map before it sends anything (exit 2, the field named)', async () => {
    // No strata is running at this address: the refusal comes before any request.
    const out = await runStrata(['apply', join(FIXTURES, 'bad', 'resource.yaml')], { STRATA_URL: 'http://127.0.0.1:9' });
    expect(out.code).toBe(2);
    expect(out.stderr).toContain('spec.templates[0](make).resource: Argo field "resource" is not supported');
  });
});
