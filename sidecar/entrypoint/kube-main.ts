/**
 * Entry point of the quarterback container in a Kubernetes pod (the quarterback image's
 * command): `node sidecar/entrypoint/kube-bin.js`. Only this file exits the process.
 */
import { currentNamespace, loadKubeConfig } from '../../runtime/kubernetes/kube-config.ts';
import { ENV } from '../../runtime/kubernetes/pod-layout.ts';
import { runKubeQuarterback } from './kube-quarterback.ts';
import { kubeOwnPod } from './own-pod.ts';

// Directories the quarterback makes for steps must be writable by steps running as any user.
process.umask(0);
const kc = loadKubeConfig();
const name = process.env[ENV.podName] ?? '';
const namespace = process.env[ENV.podNamespace] ?? currentNamespace(kc);
const stop = new AbortController();
for (const sig of ['SIGTERM', 'SIGINT'] as const) process.on(sig, () => stop.abort(`the quarterback got ${sig}`));
const code = await runKubeQuarterback({
  env: process.env,
  pod: kubeOwnPod(kc, namespace, name),
  signal: stop.signal,
  log: (line) => void process.stderr.write(`${line}\n`),
});
process.exitCode = code;
// Everything is settled; do not let a stray handle keep the sidecar (and so the pod) alive.
setTimeout(() => process.exit(code), 2000).unref();
