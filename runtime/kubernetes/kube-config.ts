/**
 * Where the Kubernetes API is: the in-cluster service account when running in a pod
 * (KUBERNETES_SERVICE_HOST is set), else a kubeconfig ($KUBECONFIG or ~/.kube/config).
 */
import { CoreV1Api, KubeConfig, PatchStrategy, setHeaderOptions, type ConfigurationOptions, type ObservableMiddleware } from '@kubernetes/client-node';
import { readFileSync } from 'node:fs';
import { delimiter } from 'node:path';

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
 * What the API server said and its status, as a failed step's error gives it:
 * `message (HTTP 503 ServiceUnavailable)`. The status is what Argo's IsTransientErr reads
 * (apierr.IsTooManyRequests, IsServiceUnavailable, IsServerTimeout; util/errors/errors.go),
 * so `retry.on: transient` can tell such a failure from the text (src/engine/transient-error.ts).
 * A fault without an answer (a reset connection) is its message alone.
 */
export function apiFailure(e: unknown): string {
  const code = statusOf(e);
  if (code === undefined) return apiMessage(e);
  const reason = (parsedBody(e) as { reason?: unknown } | undefined)?.reason;
  return `${apiMessage(e)} (HTTP ${code}${typeof reason === 'string' && reason ? ` ${reason}` : ''})`;
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
