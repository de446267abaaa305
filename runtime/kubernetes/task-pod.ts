/**
 * A `task` macro step as a pod: one container running the task's own command (or its
 * image's entrypoint when it names none), no quarterback, no API credentials. Its
 * result.json lands in the step's outputs dir on the shared volume. Its `volumes` are
 * emptyDirs at their paths: the container's own directories, starting empty, as the local
 * runtime's private view gives them (its image's file system is its own already).
 */
import type { V1Container, V1PodSpec } from '@kubernetes/client-node';
import type { PodRequest } from '../pod-runtime.ts';
import { dataVolumes } from './data-volumes.ts';
import { CONTAINERS, VOLUMES } from './pod-layout.ts';
import { toRequirements } from './resources.ts';
import type { PodBuildOptions } from './pod-options.ts';

/** The spec of a task pod (metadata and pod-wide settings are added by buildPod). */
export function taskPodSpec(req: PodRequest, opts: PodBuildOptions): Pick<V1PodSpec, 'containers' | 'volumes'> {
  const task = req.task!;
  const data = dataVolumes(req, opts.sharedClaim, opts.sharedDir, true);
  const env = { ...req.env };
  env.STRATA_INPUTS ??= req.inputsDir;
  env.STRATA_OUTPUTS ??= req.outputsDir;
  const resources = toRequirements(task.resources);
  // `from: scratch` too: a task pod's scratch is its own, so an emptyDir is what it shares.
  const own = (task.volumes ?? []).map((v, i) => ({ name: `${VOLUMES.own}-${i}`, path: v.path }));
  const container: V1Container = {
    name: CONTAINERS.task,
    image: task.image,
    ...(task.command ? { command: task.command } : {}),
    ...(task.args ? { args: task.args } : {}),
    ...(task.workingDir ? { workingDir: task.workingDir } : {}),
    env: Object.entries(env).map(([name, value]) => ({ name, value })),
    ...(resources ? { resources } : {}),
    volumeMounts: [...data.mounts, ...own.map((o) => ({ name: o.name, mountPath: o.path }))],
    ...(opts.imagePullPolicy ? { imagePullPolicy: opts.imagePullPolicy } : {}),
    // On failure the last lines of its log become the termination message: the runtime quotes it.
    terminationMessagePolicy: 'FallbackToLogsOnError',
    securityContext: { allowPrivilegeEscalation: false },
  };
  return { containers: [container], volumes: [...data.volumes, ...own.map((o) => ({ name: o.name, emptyDir: {} }))] };
}
