/**
 * A document refused for its shape is still read for its other problems where the rest of
 * it can be read (every problem at once): a step named with 200 characters beside a step
 * reading `{{steps.nope.outputs.result}}` gets both said, and a field of the wrong type
 * (`parallelism: lots`) beside a template that names no template gets both, not the shape
 * alone and the references only once the shape is fixed. Nothing is said about the refused
 * name itself twice. Through the real stack: `strata import argo` (a process, exit 2) and
 * POST /v1/runs (400, nothing stored).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { argoRefused, said } from '../support/argo-refused.ts';
import { useRunService } from '../support/use-run-service.ts';

const svc = useRunService();
const LONG = 'a'.repeat(200);

const doc = (first: string, extra = '') => `apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata:
  generateName: shape-
spec:
  entrypoint: main
${extra}  templates:
    - name: main
      steps:
        - - name: ${first}
            template: hello
        - - name: second
            template: hello
            arguments:
              parameters:
                - name: msg
                  value: "{{steps.nope.outputs.result}}"
    - name: hello
      inputs:
        parameters:
          - name: msg
            value: hi
      container:
        image: alpine
        command: [echo, "{{inputs.parameters.msg}}"]
`;

/** The problems of `text` refused by the CLI (a process) and by HTTP, as lines; each said by both. */
async function problems(text: string): Promise<string[]> {
  const dir = await mkdtemp(join(tmpdir(), 'strata-shape-'));
  try {
    await writeFile(join(dir, 'doc.yaml'), text);
    const { stderr, problems: ps } = await argoRefused(svc, join(dir, 'doc.yaml'), text);
    const lines = said(ps);
    for (const line of lines) expect(stderr).toContain(line.replace(/^body: /, ''));
    return lines;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describe('a document refused for its shape is read on for its references (every problem at once)', { timeout: 60_000 }, () => {
  it('a step name over 128 characters and a reference to a step that does not exist: both said', async () => {
    const lines = await problems(doc(LONG));
    expect(lines.some((l) => l.includes('has 200 characters, more than the 128 a name may have'))).toBe(true);
    expect(lines.some((l) => l.includes('steps.nope'))).toBe(true);
    // The name is said once, at its field, not again by what reads it.
    expect(lines.filter((l) => l.includes(LONG.slice(0, 40))).length).toBeLessThanOrEqual(1);
  });

  it('a field of the wrong type and a reference to a step that does not exist: both said', async () => {
    const lines = await problems(doc('first', '  parallelism: lots\n'));
    expect(lines.some((l) => l.startsWith('body: spec.parallelism'))).toBe(true);
    expect(lines.some((l) => l.includes('steps.nope'))).toBe(true);
  });
});
