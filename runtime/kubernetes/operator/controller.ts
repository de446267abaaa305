/**
 * The strata operator: watches Datasets, Rules and Flows (group strata.dev) in one
 * namespace and reconciles each against strata through the StrataPort. Everything that
 * talks to the API server is resources.ts; everything decided is in the reconcile-*.ts
 * files; this file wires them: three list-watches feeding one work queue.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import { apiMessage } from '../kube-config.ts';
import { ListWatch } from '../list-watch.ts';
import { deleting, type Actions, type Reconciler } from './actions.ts';
import { KINDS, type KindName, type StrataResource } from './crd-names.ts';
import { reconcileDataset } from './reconcile-dataset.ts';
import { reconcileFlow } from './reconcile-flow.ts';
import { reconcileRule } from './reconcile-rule.ts';
import { StrataResources } from './resources.ts';
import type { StrataPort } from './strata-port.ts';
import { failedStatus, reconciledStatus } from './reconcile-failure.ts';
import { WorkQueue } from './work-queue.ts';
import { DEFAULT_ERROR_TRIES, DEFAULT_POLL_MS } from './defaults.ts';

export interface OperatorOptions {
  kubeConfig: KubeConfig;
  /** the namespace whose resources it reconciles */
  namespace: string;
  port: StrataPort;
  /** how often a Dataset's active run is looked at (default 5 s; STRATA_OPERATOR_POLL_MS) */
  pollMs?: number;
  /** first pause after a failed reconcile (default 500 ms) */
  retryMs?: number;
  /** how many times a reconcile failing with an error that is no fault that may pass (a bug of strata's) is tried before the resource is put in phase Error (default 5; STRATA_OPERATOR_ERROR_TRIES; reconcile-failure.ts) */
  errorTries?: number;
  /** told of failures it retries */
  onError?: (e: Error) => void;
}

export interface Operator {
  /** resolves once every kind has been listed */
  ready: Promise<void>;
  stop(): void;
}

const RECONCILERS: Record<KindName, Reconciler> = { Dataset: reconcileDataset, Rule: reconcileRule, Flow: reconcileFlow };

/** Start watching and reconciling. */
export function startOperator(opts: OperatorOptions): Operator {
  const resources = new StrataResources(opts.kubeConfig, opts.namespace);
  const errorTries = opts.errorTries ?? DEFAULT_ERROR_TRIES;
  const queue = new WorkQueue<{ kind: KindName; r: StrataResource }>({
    pollMs: opts.pollMs ?? DEFAULT_POLL_MS,
    ...(opts.retryMs !== undefined ? { retryMs: opts.retryMs } : {}),
    work: async (_key, { kind, r }) => apply(resources, kind, r, await RECONCILERS[kind](r, opts.port)),
    onError: (key, e) => opts.onError?.(new Error(`${key}: ${apiMessage(e)}`)),
    // The failure shown on the resource (its condition; phase Error once a bug's tries are spent).
    failed: async (key, { kind, r }, e, tries) => {
      const { status, retry } = failedStatus(r, e, tries, errorTries, new Date());
      if (status) await resources.patchStatus(KINDS[kind].plural, r.metadata.name, status).catch((w) => opts.onError?.(new Error(`${key}: the failure could not be written to its status: ${apiMessage(w)}`)));
      return retry;
    },
    // Only its status changed (what a failure wrote): the same work, which waits for the failure's pause.
    same: (a, b) => a.r.metadata.generation === b.r.metadata.generation && deleting(a.r) === deleting(b.r) && JSON.stringify(a.r.metadata.finalizers ?? []) === JSON.stringify(b.r.metadata.finalizers ?? []),
  });
  const watches = (Object.keys(KINDS) as KindName[]).map((kind) => {
    const plural = KINDS[kind].plural;
    const key = (r: StrataResource) => `${kind}/${r.metadata.name}`;
    const known = new Set<string>();
    return new ListWatch<StrataResource>({
      kubeConfig: opts.kubeConfig,
      path: resources.path(plural),
      list: () => resources.list(plural),
      onSync: (items) => {
        const now = new Set(items.map(key));
        for (const k of known) if (!now.has(k)) queue.forget(k);
        known.clear();
        for (const r of items) {
          known.add(key(r));
          queue.add(key(r), { kind, r });
        }
      },
      onEvent: (type, r) => {
        if (type === 'DELETED') {
          known.delete(key(r));
          return queue.forget(key(r));
        }
        known.add(key(r));
        queue.add(key(r), { kind, r });
      },
      ...(opts.onError ? { onError: opts.onError } : {}),
    });
  });
  return {
    ready: Promise.all(watches.map((w) => w.whenReady())).then(() => undefined),
    stop() {
      for (const w of watches) w.stop();
      queue.stop();
    },
  };
}

/** Carry out what a reconcile decided; `again` asks the queue to look later. */
async function apply(resources: StrataResources, kind: KindName, r: StrataResource, a: Actions): Promise<{ again?: boolean }> {
  const plural = KINDS[kind].plural;
  // Gone through: a condition that showed a failure says so (reconcile-failure.ts).
  const reconciled = reconciledStatus(r, a.status !== undefined, new Date());
  const status = a.status || reconciled ? { ...a.status, ...reconciled } : undefined;
  // Status first: once finalizers are gone the resource may be gone too.
  if (status) await resources.patchStatus(plural, r.metadata.name, status);
  if (a.finalizers) await resources.setFinalizers(plural, r, a.finalizers);
  return { again: a.poll };
}
