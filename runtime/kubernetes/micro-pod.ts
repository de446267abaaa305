/**
 * A `pod` macro step: the quarterback as a native sidecar (an init container with
 * `restartPolicy: Always`) and one slot container per slot of the layout, each running
 * the gate entrypoint, which an init container copies onto a shared volume first.
 * The micro plan and the slot layout travel in a ConfigMap named as the pod and owned by
 * it (the runtime makes it right after the pod; the kubelet waits for it before starting
 * the pod's containers), mounted in the quarterback. They went in two annotations once,
 * where Kubernetes' 256 KiB for a pod's annotations held them and the quarterback's report
 * together: the layout repeats the plan's tasks, so a plan over about 128 KiB could not make
 * its pod. Only the quarterback gets an API token. A slot's paths of its
 * own (declared volumes and the directories of files at paths) are subPaths of the
 * scratch volume, which the quarterback sees too, to collect artifacts and parameters.
 */
import { imageText } from '../../src/flow/task-parts.ts';
import type { V1Container, V1EnvVar, V1PodSpec, V1Volume, V1VolumeMount } from '@kubernetes/client-node';
import type { MicroPlan } from '../quarterback/micro-plan.ts';
import { invalid, StrataError, type Problem } from '../../src/errors/strata-error.ts';
import type { PodRequest } from '../pod-runtime.ts';
import { lookupImage, type ImageMap } from '../image-map.ts';
import { dataVolumes } from './data-volumes.ts';
import { CONTAINERS, ENTRYPOINT, ENV, PATHS, PODINFO_FILES, VOLUMES } from './pod-layout.ts';
import { podName } from './names.ts';
import { DEFAULT_KILL_GRACE_SECONDS, DEFAULT_QUARTERBACK_RESOURCES, DEFAULT_SCRATCH_SIZE, type PodBuildOptions } from './pod-options.ts';
import { toRequirements } from './resources.ts';
import { ownSlotDir, planSlots, type SlotLayout, type SlotPool } from './slot-layout.ts';

/**
 * Bytes a ConfigMap's data may hold, its values together: Kubernetes' ValidateConfigMap
 * (pkg/apis/core/validation) refuses more than core.MaxSecretSize, 1 MiB.
 */
export const CONFIGMAP_LIMIT_BYTES = 1024 * 1024;

export interface MicroPodParts {
  spec: Pick<V1PodSpec, 'initContainers' | 'containers' | 'volumes'>;
  /** the data of the pod's ConfigMap (named as the pod): the micro plan and the slot layout, as JSON, by PODINFO_FILES */
  planData: Record<string, string>;
  layout: SlotLayout;
}

/** The containers, volumes and annotations of a micro pod. Throws a StrataError when the plan cannot run in a pod. */
export function microPodParts(req: PodRequest, opts: PodBuildOptions): MicroPodParts {
  const pod = req.pod!;
  const layout = planSlots(pod.body, opts.slots);
  checkCommands(req.step, layout, opts.imageMap ?? {});
  const plan: MicroPlan = {
    runId: req.runId, step: req.step, attempt: req.attempt, pod,
    artifactsDir: req.artifactsDir, outputsDir: req.outputsDir,
    scratchDir: PATHS.scratch, ipcDir: PATHS.ipc, workDir: PATHS.work,
    ...(layout.pools.some((p) => p.own) ? { ownDir: PATHS.own } : {}),
    env: Object.fromEntries(Object.entries(req.env).filter(([k]) => !k.startsWith('STRATA_'))),
    ...(opts.imageMap ? { imageMap: opts.imageMap } : {}),
    control: 'none',
    killGraceMs: (opts.killGraceSeconds ?? DEFAULT_KILL_GRACE_SECONDS) * 1000,
    ...(opts.fileRoots ? { fileRoots: opts.fileRoots } : {}),
    ...(req.limits ? { limits: req.limits } : {}),
  };
  const planData = { [PODINFO_FILES.plan]: JSON.stringify(plan), [PODINFO_FILES.slots]: JSON.stringify(layout) };
  const bytes = Object.values(planData).reduce((n, v) => n + Buffer.byteLength(v), 0);
  if (bytes > CONFIGMAP_LIMIT_BYTES) {
    throw new StrataError('too_large', `pod ${req.step}: its micro plan and slot layout are ${bytes} bytes together, more than the ${CONFIGMAP_LIMIT_BYTES} bytes (1 MiB) a ConfigMap holds, where they travel to its quarterback`);
  }
  const slotNames = layout.pools.flatMap((p) => p.slots.map((s) => s.name));
  // The quarterback sees every slot's paths of their own (the kubelet makes a missing subPath with its volume's mode: world-writable).
  const ownMount: V1VolumeMount[] = layout.pools.some((p) => p.own) ? [{ name: VOLUMES.scratch, mountPath: PATHS.own, subPath: 'own' }] : [];
  const data = dataVolumes(req, opts.sharedClaim, opts.sharedDir, false);
  const memory = pod.channels.scratch === 'memory';
  const volumes: V1Volume[] = [
    { name: VOLUMES.tools, emptyDir: { sizeLimit: '16Mi' } },
    { name: VOLUMES.gate, emptyDir: { medium: 'Memory', sizeLimit: '16Mi' } },
    { name: VOLUMES.scratch, emptyDir: { ...(memory ? { medium: 'Memory' } : {}), sizeLimit: pod.channels.scratchSize ?? opts.scratchSize ?? DEFAULT_SCRATCH_SIZE } },
    { name: VOLUMES.ipc, emptyDir: { medium: 'Memory', sizeLimit: '16Mi' } },
    { name: VOLUMES.tmp, emptyDir: { sizeLimit: '64Mi' } },
    {
      // The pod's ConfigMap (named as the pod): the kubelet does not start the pod's containers before it exists.
      name: VOLUMES.podinfo,
      configMap: { name: podName(req.runId, req.step, req.attempt), items: Object.keys(planData).map((key) => ({ key, path: key })) },
    },
    {
      // The API token, projected into the quarterback only: step containers get no credentials.
      name: VOLUMES.token,
      projected: {
        sources: [
          { serviceAccountToken: { path: 'token', expirationSeconds: 3600 } },
          { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
          { downwardAPI: { items: [{ path: 'namespace', fieldRef: { fieldPath: 'metadata.namespace' } }] } },
        ],
      },
    },
    ...data.volumes,
  ];
  const shared: V1VolumeMount[] = [
    { name: VOLUMES.gate, mountPath: PATHS.gate },
    { name: VOLUMES.scratch, mountPath: PATHS.scratch, subPath: 'scratch' },
    { name: VOLUMES.scratch, mountPath: PATHS.work, subPath: 'work' },
    { name: VOLUMES.ipc, mountPath: PATHS.ipc },
    ...data.mounts,
  ];
  const pull = opts.imagePullPolicy ? { imagePullPolicy: opts.imagePullPolicy } : {};
  const init: V1Container = {
    name: CONTAINERS.init,
    image: opts.quarterbackImage,
    command: ['/bin/sh', ENTRYPOINT.inImage, '--install', ...slotNames],
    env: [{ name: ENV.gate, value: PATHS.gate }, { name: 'STRATA_TOOLS', value: PATHS.tools }],
    volumeMounts: [{ name: VOLUMES.tools, mountPath: PATHS.tools }, { name: VOLUMES.gate, mountPath: PATHS.gate }],
    resources: { requests: { cpu: '10m', memory: '16Mi' }, limits: { memory: '64Mi' } },
    securityContext: lockedDown(),
    ...pull,
  };
  const quarterback: V1Container = {
    name: CONTAINERS.quarterback,
    image: opts.quarterbackImage,
    restartPolicy: 'Always',
    env: [
      { name: ENV.gate, value: PATHS.gate },
      { name: ENV.planFile, value: `${PATHS.podinfo}/${PODINFO_FILES.plan}` },
      { name: ENV.slotsFile, value: `${PATHS.podinfo}/${PODINFO_FILES.slots}` },
      fieldEnv(ENV.podName, 'metadata.name'),
      fieldEnv(ENV.podNamespace, 'metadata.namespace'),
    ],
    volumeMounts: [...shared, ...ownMount, { name: VOLUMES.podinfo, mountPath: PATHS.podinfo, readOnly: true }, { name: VOLUMES.token, mountPath: PATHS.serviceAccount, readOnly: true }, { name: VOLUMES.tmp, mountPath: '/tmp' }],
    resources: opts.quarterbackResources ?? DEFAULT_QUARTERBACK_RESOURCES,
    securityContext: lockedDown(),
    ...pull,
  };
  const containers: V1Container[] = layout.pools.flatMap((p) => {
    const resources = toRequirements(p.resources);
    return p.slots.map((s): V1Container => ({
      name: s.name,
      image: s.image,
      command: ['/bin/sh', ENTRYPOINT.inPod, s.name],
      env: [
        { name: ENV.gate, value: PATHS.gate },
        { name: ENV.slot, value: s.name },
        { name: 'STRATA_GATE_POLL', value: String(opts.gatePollSeconds ?? 0.1) },
        { name: 'STRATA_KILL_GRACE', value: String(opts.killGraceSeconds ?? DEFAULT_KILL_GRACE_SECONDS) },
      ],
      ...(resources ? { resources } : {}),
      volumeMounts: [{ name: VOLUMES.tools, mountPath: PATHS.tools, readOnly: true }, ...shared, ...slotOwnMounts(p, s.name)],
      terminationMessagePolicy: 'FallbackToLogsOnError',
      securityContext: { allowPrivilegeEscalation: false },
      ...pull,
    }));
  });
  return {
    spec: { initContainers: [init, quarterback], containers, volumes },
    planData,
    layout,
  };
}

/**
 * A slot's paths of its own (slot-layout.ts): the k-th declared directory from `own/<slot>/<k>`
 * of the scratch volume (the quarterback sees it at PATHS.own), the pod's scratch at the
 * paths its tasks ask for it.
 */
function slotOwnMounts(pool: SlotPool, slot: string): V1VolumeMount[] {
  return [
    ...(pool.own ?? []).map((dir, k) => ({ name: VOLUMES.scratch, mountPath: dir, subPath: `own/${ownSlotDir(slot, k)}` })),
    ...(pool.scratchPaths ?? []).map((path) => ({ name: VOLUMES.scratch, mountPath: path, subPath: 'scratch' })),
  ];
}

function checkCommands(podStep: string, layout: SlotLayout, imageMap: ImageMap): void {
  const problems: Problem[] = [];
  for (const pool of layout.pools) {
    pool.tasks.forEach((t, i) => {
      if ((t.command && t.command.length > 0) || (typeof t.image === 'string' && lookupImage(t.image, imageMap))) return;
      problems.push({
        path: `${podStep}/${pool.templates[i]}`,
        message: `names no command: in a Kubernetes pod the gate entrypoint takes the place of image ${imageText(t.image)}'s own, so a micro task must name its command (or the image must be in the runtime's image map)`,
      });
    });
  }
  if (problems.length > 0) throw invalid(problems);
}

function fieldEnv(name: string, fieldPath: string): V1EnvVar {
  return { name, valueFrom: { fieldRef: { fieldPath } } };
}

function lockedDown() {
  return { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true, capabilities: { drop: ['ALL'] } };
}
