/** Flows for the kubernetes runtime's tests, compiled as users' documents would be. */
import { validateFlowDocument } from '../../../../src/flow/flow-document.ts';
import type { FlowNode, JsonValue, TaskSpec } from '../../../../src/flow/types.ts';
import { compileFlow } from '../../../../src/plan/compile.ts';
import type { PlanNode, PodNode } from '../../../../src/plan/plan-node.ts';
import type { PodRequest } from '../../../../runtime/pod-runtime.ts';

/** A task running `sh -c script` in image `image`. */
export function sh(script: string, image = 'busybox'): TaskSpec {
  return { image, command: ['sh', '-c', script] };
}

/** The plan of a flow whose root is `root`. */
export function planOf(root: unknown, params: Record<string, JsonValue> = {}): PlanNode {
  const doc = validateFlowDocument({ apiVersion: 'strata/v1', kind: 'Flow', metadata: { name: 't', version: '1' }, spec: { params, root } });
  return compileFlow(doc).root;
}

/** The inside of pod `p` whose micro flow is `flow`, as a PodRequest carries it. */
export function podOf(flow: FlowNode | Record<string, unknown>, opts: { scratch?: 'memory' | 'disk'; scratchSize?: string; ipc?: string[] } = {}): NonNullable<PodRequest['pod']> {
  const root = planOf({ id: 'p', pod: { name: 'p', flow, channels: { scratch: opts.scratch ?? 'memory', ...(opts.scratchSize ? { scratchSize: opts.scratchSize } : {}), ipc: opts.ipc ?? [] } } }) as PodNode;
  return { name: root.pod.name, channels: root.pod.channels, body: root.body, params: {}, unit: '' };
}

/** A PodRequest for pod step `p` of run `r1` (or a task step when `task` is given). */
export function podRequest(pod: NonNullable<PodRequest['pod']> | undefined, dirs: { shared: string }, extra: Partial<PodRequest> = {}): PodRequest {
  const step = extra.step ?? 'p';
  const attempt = extra.attempt ?? 1;
  const work = `${dirs.shared}/work/r1/${step.replace(/[/#]/g, '~')}.${attempt}`;
  return {
    runId: 'r1', step, attempt, kind: pod ? 'pod' : 'task',
    env: { STRATA_RUN: 'r1', STRATA_STEP: step, STRATA_PARAMS: '{}' },
    inputsDir: `${work}/inputs`, outputsDir: `${work}/outputs`, artifactsDir: `${dirs.shared}/artifacts`,
    ...(pod ? { pod } : {}),
    ...extra,
  };
}
