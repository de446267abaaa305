/**
 * Where the Kubernetes API is: the in-cluster service account when running in a pod
 * (KUBERNETES_SERVICE_HOST is set), else a kubeconfig ($KUBECONFIG or ~/.kube/config).
 */
import { CoreV1Api, KubeConfig, PatchStrategy, setHeaderOptions, type ConfigurationOptions, type ObservableMiddleware } from '@kubernetes/client-node';
import { readFileSync } from 'node:fs';
import { delimiter } from 'node:path';
import type { Fault } from '../../src/engine/transient-fault.ts';

const NAMESPACE_FILE = '/var/run/secrets/kubernetes.io/serviceaccount/namespace';

/** Load the config the way kubectl and in-cluster clients do. */
export function loadKubeConfig(env: Record<string, string | undefined> = process.env): KubeConfig {
  const kc = new KubeConfig();
  if (env.KUBERNETES_SERVICE_HOST) kc.loadFromCluster();
  // One file named in `env` (which need not be process.env); several are merged by loadFromDefault.
  else if (env.KUBECONFIG && !env.KUBECONFIG.includes(delimiter)) kc.loadFromFile(env.KUBECONFIG);
  else kc.loadFromDefault();
  return kc;
}

/** The namespace to work in: STRATA_NAMESPACE, the pod's own, the kubeconfig context's, or `default`. */
export function currentNamespace(kc: KubeConfig, env: Record<string, string | undefined> = process.env): string {
  if (env.STRATA_NAMESPACE) return env.STRATA_NAMESPACE;
  if (env.KUBERNETES_SERVICE_HOST) {
    try {
      return readFileSync(NAMESPACE_FILE, 'utf8').trim();
    } catch {
      // not mounted: fall through
    }
  }
  return kc.getContextObject(kc.getCurrentContext())?.namespace ?? 'default';
}

/** Request options that send a patch as a merge patch (client-node defaults to JSON patch). */
export function mergePatch(): ConfigurationOptions<ObservableMiddleware> {
  return setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
}

/** Request options for a strategic merge patch (lists of containers merged by name). */
export function strategicPatch(): ConfigurationOptions<ObservableMiddleware> {
  return setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch);
}

/** The HTTP status of a client-node error, when it has one. */
export function statusOf(e: unknown): number | undefined {
  const code = (e as { code?: unknown; statusCode?: unknown }).code ?? (e as { statusCode?: unknown }).statusCode;
  return typeof code === 'number' ? code : undefined;
}

/**
 * What the API server said and its status, as a failed step's error gives it, for people:
 * `message (HTTP 503 ServiceUnavailable)`. A fault without an answer (a reset connection)
 * is its message alone. Whether it was transient is apiFault's, never these words'.
 */
export function apiFailure(e: unknown): string {
  const code = statusOf(e);
  if (code === undefined) return apiMessage(e);
  const reason = reasonOf(e);
  return `${apiMessage(e)} (HTTP ${code}${reason ? ` ${reason}` : ''})`;
}

/**
 * A client-node failure as the facts Argo's IsTransientErr reads (src/engine/transient-fault.ts):
 * the answer's status and Status reason, or, with no answer, Node's code for the connection's
 * fault (on the error, or on its cause as fetch gives it), and the message.
 */
export function apiFault(e: unknown): Fault {
  const status = statusOf(e);
  const reason = reasonOf(e);
  const code = [e, (e as { cause?: unknown })?.cause].map((x) => (x as { code?: unknown } | undefined)?.code).find((c) => typeof c === 'string') as string | undefined;
  return { ...(status !== undefined ? { status } : {}), ...(reason ? { reason } : {}), ...(code ? { code } : {}), message: apiMessage(e) };
}

/** The `reason` of the Status the API server answered with, when there is one. */
function reasonOf(e: unknown): string | undefined {
  const reason = (parsedBody(e) as { reason?: unknown } | undefined)?.reason;
  return typeof reason === 'string' && reason ? reason : undefined;
}

function parsedBody(e: unknown): unknown {
  const body = (e as { body?: unknown }).body;
  if (typeof body !== 'string') return body;
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}

/** What the API server said, in its own words (client-node's messages carry the whole response). */
export function apiMessage(e: unknown): string {
  const msg = (parsedBody(e) as { message?: unknown } | undefined)?.message;
  if (typeof msg === 'string') return msg;
  const body = (e as { body?: unknown }).body;
  return typeof body === 'string' && body ? body : (e as Error).message;
}

export { CoreV1Api, KubeConfig };
