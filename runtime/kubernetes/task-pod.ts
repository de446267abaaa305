/**
 * A `task` macro step as a pod: one container running the task's own command (or its
 * image's entrypoint when it names none), no quarterback, no API credentials. Its
 * result.json lands in the step's outputs dir on the shared volume. Its paths of its own
 * (own-paths.ts): directories holding declared files are mounted from the execution's
 * `privateDir` on the shared volume by subPath, the others are emptyDirs; both start empty,
 * as the local runtime's private view gives them (its image's file system is its own
 * already). With `result: stdout` the command runs under the stdout wrapper
 * (stdout-wrapper.ts), which keeps the standard output in STRATA_OUTPUTS/.strata-stdout.
 */
import { join, relative } from 'node:path';
import type { V1Container, V1PodSpec, V1Volume, V1VolumeMount } from '@kubernetes/client-node';
import type { PodRequest } from '../pod-runtime.ts';
import { StrataError } from '../../src/errors/strata-error.ts';
import { containerArgv, lookupImage } from '../image-map.ts';
import { dataVolumes, sharedSubPath } from './data-volumes.ts';
import { carriedDir, ownDirs } from './own-paths.ts';
import { CONTAINERS, VOLUMES } from './pod-layout.ts';
import { toRequirements } from './resources.ts';
import type { PodBuildOptions } from './pod-options.ts';
import { keepStdout, STDOUT_FILE } from './stdout-wrapper.ts';

/** The spec of a task pod (metadata and pod-wide settings are added by buildPod). Throws a StrataError naming the field it cannot honour. */
export function taskPodSpec(req: PodRequest, opts: PodBuildOptions): Pick<V1PodSpec, 'containers' | 'volumes'> {
  const task = req.task!;
  const data = dataVolumes(req, opts.sharedClaim, opts.sharedDir, true);
  const env = { ...req.env };
  env.STRATA_INPUTS ??= req.inputsDir;
  env.STRATA_OUTPUTS ??= req.outputsDir;
  const resources = toRequirements(task.resources);
  const own = ownMounts(req, opts);
  const container: V1Container = {
    name: CONTAINERS.task,
    image: task.image,
    ...argv(req, opts),
    ...(task.workingDir ? { workingDir: task.workingDir } : {}),
    env: Object.entries(env).map(([name, value]) => ({ name, value })),
    ...(resources ? { resources } : {}),
    volumeMounts: [...data.mounts, ...own.mounts],
    ...(opts.imagePullPolicy ? { imagePullPolicy: opts.imagePullPolicy } : {}),
    // On failure the last lines of its log become the termination message: the runtime quotes it.
    terminationMessagePolicy: 'FallbackToLogsOnError',
    securityContext: { allowPrivilegeEscalation: false },
  };
  return { containers: [container], volumes: [...data.volumes, ...own.volumes] };
}

/** command and args: the task's own, or its program under the stdout wrapper. */
function argv(req: PodRequest, opts: PodBuildOptions): Pick<V1Container, 'command' | 'args'> {
  const task = req.task!;
  if (task.result !== 'stdout' && task.result !== 'text') return { ...(task.command ? { command: task.command } : {}), ...(task.args ? { args: task.args } : {}) };
  const argv = containerArgv(task.command, task.args, task.command?.length ? undefined : lookupImage(task.image, opts.imageMap ?? {}));
  if (!argv) {
    throw new StrataError('invalid_request', `step ${req.step}: result: stdout on the Kubernetes runtime needs the task's command: the program is run by a wrapper that keeps its standard output, in place of image ${task.image}'s entrypoint, which strata cannot see (name the command, or map the image in STRATA_IMAGE_MAP)`);
  }
  return { command: keepStdout(argv, join(req.outputsDir, STDOUT_FILE)) };
}

/** The task's own directories: carried ones from its privateDir on the shared volume, the rest and its scratch volumes emptyDirs. */
function ownMounts(req: PodRequest, opts: PodBuildOptions): { volumes: V1Volume[]; mounts: V1VolumeMount[] } {
  const task = req.task!;
  const { carried, plain } = ownDirs(task);
  const volumes: V1Volume[] = [];
  const mounts: V1VolumeMount[] = [];
  const emptyDirs: string[] = [];
  for (const dir of carried) {
    const subPath = req.privateDir !== undefined && opts.sharedClaim ? sharedSubPath(req, opts.sharedDir, carriedDir(req.privateDir, dir)) : undefined;
    // Without the shared volume, as its other dirs: the pod's own (the runtime refuses such a task before, task-files.ts).
    if (subPath === undefined) emptyDirs.push(dir);
    else mounts.push({ name: VOLUMES.artifacts, mountPath: dir, subPath });
  }
  [...emptyDirs, ...plain].forEach((dir, i) => {
    volumes.push({ name: `${VOLUMES.own}-${i}`, emptyDir: {} });
    mounts.push({ name: `${VOLUMES.own}-${i}`, mountPath: dir });
  });
  // A volume inside another of its own directories (/data/cache in /data) is folded into it
  // (ownDirs), and is that directory's subdirectory, mounted at its path so that it exists
  // there, as the local runtime makes it (private-view.ts).
  const outers = [...mounts];
  for (const v of task.volumes ?? []) {
    const outer = v.from === 'scratch' ? undefined : outers.find((m) => v.path.startsWith(`${m.mountPath}/`));
    if (outer) mounts.push({ name: outer.name, mountPath: v.path, subPath: join(outer.subPath ?? '', relative(outer.mountPath!, v.path)) });
  }
  // `from: scratch`: a task pod's scratch is its own, so one emptyDir is what they share.
  const scratch = (task.volumes ?? []).filter((v) => v.from === 'scratch');
  if (scratch.length > 0) volumes.push({ name: VOLUMES.scratch, emptyDir: {} });
  for (const v of scratch) mounts.push({ name: VOLUMES.scratch, mountPath: v.path });
  return { volumes, mounts };
}
