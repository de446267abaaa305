/**
 * Data fidelity of what a step is given (issue 12, argo-tester-3 N16, N10, N18, N8): the
 * command line of an image's CMD, number text of loop items, the tail of a big result,
 * null fields of items, and values too big for one argument. Through the real stack:
 * documents sent as they are to `POST /v1/runs`, run on the local runtime with real HTTP,
 * Redis, BullMQ and processes, checked by what the steps printed.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { RunView } from '../../src/run/run-view.ts';
import { useRunService } from '../support/use-run-service.ts';

const svc = useRunService();
const DIR = join(import.meta.dirname, '..', 'fixtures', 'argo', 'fidelity');
const read = (name: string): string => readFileSync(join(DIR, name), 'utf8');
const post = (body: unknown): Promise<RunView> => svc.runToEnd(body);
/** A strata Flow document of the fixtures, run as `{ flow }`. */
const postFlow = (name: string): Promise<RunView> => svc.runToEnd({ flow: parse(read(name)) });
/** Step id -> result, for the steps named. */
const results = (r: RunView, names: string[]): Record<string, unknown> => Object.fromEntries(names.map((n) => [n, r.steps[n]?.result]));

describe('args without a command replace the CMD of an image that has one (N16)', () => {
  it('Argo: alpine and busybox run their args as the whole command line; a command drops the CMD', async () => {
    const r = await post(read('args-only.yaml'));
    expect(r.status, JSON.stringify(r.steps)).toBe('succeeded');
    expect(results(r, ['alpine-args', 'busybox-args', 'command-and-args'])).toEqual({
      'alpine-args': 'hello from args',
      'busybox-args': 'one two',
      'command-and-args': 'from command',
    });
  });

  it('strata flows, at both levels: a macro step and a pod\'s container', async () => {
    const r = await postFlow('args-only-native.yaml');
    expect(r.status, JSON.stringify(r.steps)).toBe('succeeded');
    expect(results(r, ['macro', 'pod/micro'])).toEqual({ macro: 'macro args', 'pod/micro': 'micro args' });
  });
});
