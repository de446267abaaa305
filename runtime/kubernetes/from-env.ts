/**
 * The kubernetes runtime and the operator configured from the environment
 * (STRATA_RUNTIME=kubernetes). Every variable is listed in docs/kubernetes.md.
 */
import { resolve } from 'node:path';
import { StrataError } from '../../src/errors/strata-error.ts';
import { readMapFile } from '../image-map.ts';
import { currentNamespace, loadKubeConfig } from './kube-config.ts';
import { KubeRuntime, type KubeRuntimeOptions, type Retention } from './kube-runtime.ts';
import { DEFAULT_QUARTERBACK_IMAGE } from './manifests.ts';
import { startOperator, type Operator } from './operator/controller.ts';
import type { StrataPort } from './operator/strata-port.ts';

type Env = Record<string, string | undefined>;

const RETENTIONS: Retention[] = ['delete', 'keep-failed', 'keep'];
const PULL_POLICIES = ['Always', 'IfNotPresent', 'Never'] as const;

/** `env` without its variables set empty: one set empty is unset, as loadConfig reads its own (src/app/config.ts). */
function setOnly(env: Env): Env {
  return Object.fromEntries(Object.entries(env).filter(([, v]) => v !== ''));
}

/** KubeRuntime options from STRATA_* variables (one set empty is unset), with the in-cluster config or a kubeconfig. */
export function kubeRuntimeOptionsFromEnv(given: Env = process.env): KubeRuntimeOptions {
  const env = setOnly(given);
  const kubeConfig = loadKubeConfig(env);
  const retention = (env.STRATA_POD_RETENTION ?? 'keep-failed') as Retention;
  if (!RETENTIONS.includes(retention)) throw new StrataError('invalid_request', `STRATA_POD_RETENTION must be one of ${RETENTIONS.join(', ')}, not "${retention}"`);
  const pull = env.STRATA_IMAGE_PULL_POLICY as (typeof PULL_POLICIES)[number] | undefined;
  if (pull !== undefined && !PULL_POLICIES.includes(pull)) throw new StrataError('invalid_request', `STRATA_IMAGE_PULL_POLICY must be one of ${PULL_POLICIES.join(', ')}, not "${pull}"`);
  const secrets = (env.STRATA_IMAGE_PULL_SECRETS ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  return {
    kubeConfig,
    namespace: currentNamespace(kubeConfig, env),
    quarterbackImage: env.STRATA_QUARTERBACK_IMAGE ?? DEFAULT_QUARTERBACK_IMAGE,
    // The worker keeps artifacts and step dirs under STRATA_HOME: that is the shared volume.
    sharedDir: resolve(env.STRATA_SHARED_DIR ?? env.STRATA_HOME ?? '.strata'),
    retention,
    ...(env.STRATA_SHARED_CLAIM ? { sharedClaim: env.STRATA_SHARED_CLAIM } : {}),
    ...(env.STRATA_OWNER_DEPLOYMENT ? { owner: { deployment: env.STRATA_OWNER_DEPLOYMENT } } : {}),
    ...(pull ? { imagePullPolicy: pull } : {}),
    ...(secrets.length > 0 ? { imagePullSecrets: secrets } : {}),
    ...(env.STRATA_SCRATCH_SIZE ? { scratchSize: env.STRATA_SCRATCH_SIZE } : {}),
    ...(env.STRATA_STEP_SERVICE_ACCOUNT ? { stepServiceAccount: env.STRATA_STEP_SERVICE_ACCOUNT } : {}),
    ...(env.STRATA_IMAGE_MAP ? { imageMap: readMapFile(env.STRATA_IMAGE_MAP, true) } : {}),
    ...(env.STRATA_FILE_ROOTS ? { fileRoots: env.STRATA_FILE_ROOTS.split(':').filter(Boolean).map((r) => resolve(r)) } : {}),
    onError: (e) => process.stderr.write(`strata: kubernetes: ${e.message}\n`),
  };
}

/** The `kubernetes` PodRuntime, configured from the environment. */
export function createKubeRuntimeFromEnv(env: Env = process.env): KubeRuntime {
  return new KubeRuntime(kubeRuntimeOptionsFromEnv(env));
}

/** The operator's settings strata's configuration reads and checks at start (src/app/config.ts: STRATA_OPERATOR_POLL_MS, STRATA_OPERATOR_ERROR_TRIES). */
export interface OperatorSettings {
  operatorPollMs: number;
  operatorErrorTries: number;
}

/**
 * The operator over `port`, in STRATA_NAMESPACE (or its own namespace) with the in-cluster
 * config or a kubeconfig from `given`, and `settings` as strata's configuration read them
 * (a bad value stopped the process before it connected to anything).
 */
export function startOperatorFromEnv(port: StrataPort, settings: OperatorSettings, given: Env = process.env): Operator {
  const env = setOnly(given);
  const kubeConfig = loadKubeConfig(env);
  return startOperator({
    kubeConfig,
    namespace: currentNamespace(kubeConfig, env),
    port,
    pollMs: settings.operatorPollMs,
    errorTries: settings.operatorErrorTries,
    onError: (e) => process.stderr.write(`strata: operator: ${e.message}\n`),
  });
}
