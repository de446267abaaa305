/**
 * Argo volumes: an `emptyDir` volume mounted by a containerSet is the pod's scratch directory
 * at the mount path (a task's `volumes: [{ from: scratch, path }]`); mounted by a `container`
 * or `script` template, it is a directory of the container's own at the mount path (a task's
 * `volumes: [path]`, its private view), empty when each execution starts, as Argo's emptyDir
 * is one pod's. Argo appends the containerSet's own `volumeMounts` to every container's
 * (argo-workflows pkg/apis/workflow/v1alpha1/container_set_template_types.go, GetContainers)
 * and finds each mounted volume in the template's `volumes`, then the workflow's
 * `spec.volumes` (workflow/controller/workflowpod.go, addVolumeReferences: "volume '%s' not
 * found in workflow spec"). What strata cannot give the same way is refused here, naming the
 * place: other volume kinds, a second emptyDir in one containerSet (the pod has one scratch,
 * so two volumes would share their files), a second volume mounted at several paths of one
 * container template (such a volume is the task's scratch, which it has one of), a mount
 * path given twice in one container (Kubernetes refuses the pod), and a declared file
 * inside a mount that is a scratch directory (strata places and reads those files in the
 * container's own directories, not in the scratch).
 */
import type { Problem } from '../errors/strata-error.ts';
import { appendAll } from '../flow/append-all.ts';
import { containerPathProblem, MAX_VOLUMES } from '../flow/task-io-schema.ts';
import type { ArgoDocument, ArgoTemplate, ArgoVolume, ArgoVolumeMount } from './argo-document.ts';
import { documentReach, type OpenMount } from './mount-reach.ts';

/** Kubernetes' volume sources (core/v1 VolumeSource): each but emptyDir is refused by its name. */
const SOURCES = [
  'hostPath', 'emptyDir', 'gcePersistentDisk', 'awsElasticBlockStore', 'gitRepo', 'secret', 'nfs', 'iscsi', 'glusterfs', 'persistentVolumeClaim', 'rbd', 'flexVolume', 'cinder',
  'cephfs', 'flocker', 'downwardAPI', 'fc', 'azureFile', 'configMap', 'vsphereVolume', 'quobyte', 'azureDisk', 'photonPersistentDisk', 'projected', 'portworxVolume', 'scaleIO',
  'storageos', 'csi', 'ephemeral', 'image',
];

type Placed = { mount: ArgoVolumeMount; at: string };
type ContainerSet = NonNullable<ArgoTemplate['containerSet']>;

/** The mounts a containerSet gives every container, each with its place in the template. */
const setMounts = (set: ContainerSet): Placed[] => (set.volumeMounts ?? []).map((mount, j) => ({ mount, at: `containerSet.volumeMounts[${j}](${mount.name})` }));

/** Container `k` of a containerSet's own mounts, each with its place in the template. */
const containerMounts = (c: ContainerSet['containers'][number], k: number): Placed[] => (c.volumeMounts ?? []).map((mount, j) => ({ mount, at: `containerSet.containers[${k}](${c.name}).volumeMounts[${j}](${mount.name})` }));

/** A containerSet container's mounts as Argo gives them: its own, then the containerSet's, each with its place in the document. */
function mountsOf(t: ArgoTemplate, container: number): Placed[] {
  const set = t.containerSet!;
  return [...containerMounts(set.containers[container], container), ...setMounts(set)];
}

/** The problems of one volume list (`spec.volumes`, a template's `volumes`) at `at`: a kind other than emptyDir, emptyDir fields, a name given twice. */
function listProblems(list: ArgoVolume[], at: string): Problem[] {
  const problems: Problem[] = [];
  const first = new Map<string, number>();
  list.forEach((v, i) => {
    const place = `${at}[${i}](${v.name})`;
    const seen = first.get(v.name);
    if (seen !== undefined) problems.push({ path: `${place}.name`, message: `"${v.name}" is not unique: [${seen}] has the same name (Kubernetes refuses the pod)` });
    else first.set(v.name, i);
    const keys = Object.keys(v).filter((k) => k !== 'name');
    const others = keys.filter((k) => k !== 'emptyDir');
    for (const k of others) {
      problems.push({
        path: place,
        message: SOURCES.includes(k)
          ? `a ${k} volume is not supported: strata maps only emptyDir volumes (a directory of its own for a container or script template that mounts one, a containerSet's pod's scratch directory); give the files as input artifacts or parameters`
          : `unknown key "${k}"`,
      });
    }
    // A volume with no source is an emptyDir, as Kubernetes defaults it.
    const dir = (v as { emptyDir?: unknown }).emptyDir;
    if (dir === undefined || dir === null) return;
    if (typeof dir !== 'object' || Array.isArray(dir)) {
      problems.push({ path: `${place}.emptyDir`, message: 'must be an object ({} for an empty directory)' });
      return;
    }
    for (const [k, val] of Object.entries(dir)) {
      if (k === 'medium' && val === '') continue;
      problems.push({ path: `${place}.emptyDir.${k}`, message: k === 'medium' || k === 'sizeLimit' ? `emptyDir's ${k} is not mapped: the volume is a directory strata makes (the container's own, or the pod's scratch, whose medium and size a pod's channels.scratch and scratchSize set)` : `unknown key "${k}"` });
    }
  });
  return problems;
}

/**
 * The problems of one container's mounts (`mounts`, in container `name`, whose place in the
 * template is `place`): more than a task's volumes, a volume no list has (`own` the
 * template's, `global` the workflow's), a path that is not absolute or clean, a path given twice.
 */
function containerMountProblems(mounts: Placed[], at: string, { name, place }: { name: string; place: string }, own: Set<string>, global: Set<string>): Problem[] {
  const problems: Problem[] = [];
  // Each mount is one of the container's task volumes (ownVolumes, scratchVolumes), which a task has at most MAX_VOLUMES of.
  if (mounts.length > MAX_VOLUMES) problems.push({ path: `${at}.${place}`, message: `${mounts.length} mounts, more than the ${MAX_VOLUMES} strata gives one container (a task's volumes); mount fewer volumes and keep files apart in directories of one` });
  const paths = new Map<string, string>();
  for (const { mount, at: where } of mounts) {
    const place = `${at}.${where}`;
    if (!own.has(mount.name) && !global.has(mount.name)) {
      problems.push({ path: place, message: `volume "${mount.name}" is not in the template's volumes nor the workflow's spec.volumes (Argo: volume '${mount.name}' not found in workflow spec)` });
    }
    const wrong = containerPathProblem(mount.mountPath);
    if (wrong) problems.push({ path: `${place}.mountPath`, message: `"${mount.mountPath}" ${wrong}` });
    const before = paths.get(mount.mountPath);
    if (before) problems.push({ path: `${place}.mountPath`, message: `${mount.mountPath} is mounted already in container ${name} (${before}): Kubernetes refuses a mount path given twice` });
    else paths.set(mount.mountPath, where);
  }
  return problems;
}

/** The problems of one containerSet template's mounts (its place `at`), its volumes looked up in `t.volumes` then `specVolumes`. */
function mountProblems(t: ArgoTemplate, at: string, specVolumes: ArgoVolume[]): Problem[] {
  const problems: Problem[] = [];
  const own = new Set((t.volumes ?? []).map((v) => v.name));
  const global = new Set(specVolumes.map((v) => v.name));
  const used: string[] = [];
  t.containerSet!.containers.forEach((c, k) => {
    const mounts = mountsOf(t, k);
    appendAll(problems, containerMountProblems(mounts, at, { name: c.name, place: `containerSet.containers[${k}](${c.name})` }, own, global));
    for (const { mount, at: where } of mounts) {
      if (used.includes(mount.name) || (!own.has(mount.name) && !global.has(mount.name))) continue;
      if (used.length > 0) {
        problems.push({
          path: `${at}.${where}`,
          message: `a second emptyDir volume ("${mount.name}", after "${used[0]}") in containerSet template ${t.name} is not supported: strata maps an emptyDir volume to the pod's scratch directory, which a pod has one of, so two volumes would share their files; mount one volume (at several paths if need be) and keep files apart in directories of it`,
        });
      }
      used.push(mount.name);
    }
    if (c.name === 'main') appendFileProblems(problems, t, at, mounts.map((m) => m.mount), 'the pod\'s scratch directory the volume is');
  });
  return problems;
}

/** A container or script template's mounts, each with its place in the document. */
function podMountsOf(t: ArgoTemplate): Placed[] {
  const kind = t.container ? 'container' : 'script';
  return ((t.container ?? t.script)?.volumeMounts ?? []).map((mount, j) => ({ mount, at: `${kind}.volumeMounts[${j}](${mount.name})` }));
}

/** The volumes a container or script template mounts at more than one path: each is the task's scratch, so its paths share their files. */
function sharedVolumes(t: ArgoTemplate): string[] {
  const names = podMountsOf(t).map(({ mount }) => mount.name);
  return [...new Set(names.filter((n, i) => names.indexOf(n) !== i))];
}

/** The problems of a container or script template's mounts (its place `at`): those of containerMountProblems, a second volume mounted at several paths, a declared file inside such a volume. */
function podMountProblems(t: ArgoTemplate, at: string, specVolumes: ArgoVolume[]): Problem[] {
  const mounts = podMountsOf(t);
  const problems = containerMountProblems(mounts, at, { name: 'main', place: `${t.container ? 'container' : 'script'}.volumeMounts` }, new Set((t.volumes ?? []).map((v) => v.name)), new Set(specVolumes.map((v) => v.name)));
  const shared = sharedVolumes(t);
  if (shared.length > 1) {
    const second = mounts.find(({ mount }) => mount.name === shared[1])!;
    problems.push({
      path: `${at}.${second.at}`,
      message: `a second volume mounted at several paths ("${shared[1]}", after "${shared[0]}") in template ${t.name} is not supported: strata makes a volume mounted at several paths the container's scratch directory, which it has one of, so the two volumes would share their files; mount it at one path`,
    });
  }
  appendFileProblems(problems, t, at, mounts.filter(({ mount }) => shared.includes(mount.name)).map((m) => m.mount), 'the scratch directory a volume mounted at several paths is');
  return problems;
}

/** main's declared files (inputs and outputs at a path) inside one of `mounts`, each refused at its field, saying the mount is `what`. */
function appendFileProblems(problems: Problem[], t: ArgoTemplate, at: string, mounts: ArgoVolumeMount[], what: string): void {
  const files: Array<[string, string | undefined]> = [
    ...(t.inputs?.artifacts ?? []).map((a): [string, string | undefined] => [`inputs.artifacts(${a.name}).path`, a.path]),
    ...(t.outputs?.artifacts ?? []).map((a): [string, string | undefined] => [`outputs.artifacts(${a.name}).path`, a.path]),
    ...(t.outputs?.parameters ?? []).map((p): [string, string | undefined] => [`outputs.parameters(${p.name}).valueFrom.path`, p.valueFrom?.path]),
  ];
  for (const [field, path] of files) {
    const m = path === undefined ? undefined : mounts.find((v) => path === v.mountPath || path.startsWith(`${v.mountPath}/`));
    if (!m) continue;
    problems.push({
      path: `${at}.${field}`,
      message: `"${path}" is inside volume "${m.name}", mounted at ${m.mountPath} in container main: strata places and reads main's input and output files in main's own directories, not in ${what}; give the file a path outside the mount (copy it there)`,
    });
  }
}

/**
 * Every volume problem of `doc` (argo-document.ts says them with the rest, at their places).
 * A WorkflowTemplate's mount of a volume in no list of its own is no problem here: Argo
 * creates the WorkflowTemplate and looks the volume up in the Workflow that runs the template
 * (workflowMounts; checked when a run starts, run-volumes.ts).
 */
export function volumeProblems(doc: ArgoDocument): Problem[] {
  const specVolumes = doc.spec.volumes ?? [];
  const problems = listProblems(specVolumes, 'spec.volumes');
  (doc.spec.templates ?? []).forEach((t, i) => {
    const at = `spec.templates[${i}](${t.name})`;
    // A WorkflowTemplate's: every mounted name counts as found (its caller's, looked up when a run starts).
    const known = doc.kind === 'WorkflowTemplate' ? [...specVolumes, ...templateMounts(t).map(({ mount }) => ({ name: mount.name }))] : specVolumes;
    if (t.volumes) appendAll(problems, listProblems(t.volumes, `${at}.volumes`));
    if (t.containerSet) appendAll(problems, mountProblems(t, at, known));
    if (t.container || t.script) appendAll(problems, podMountProblems(t, at, known));
  });
  return problems;
}

/** Every mount of template `t` (a container's, a script's, a containerSet's and its containers'), each with its place in the template. */
function templateMounts(t: ArgoTemplate): Placed[] {
  if (!t.containerSet) return podMountsOf(t);
  return [...setMounts(t.containerSet), ...t.containerSet.containers.flatMap(containerMounts)];
}

/**
 * The workflow's volumes the templates `starts` of `doc` mount, and the templates they call
 * by `template` (not `templateRef`: another unit, with its own), each volume once with the
 * place of the mount nearest the first start that reaches it (mount-reach.ts), in the order
 * the document first mounts them: a mount of a volume not in its template's own `volumes`.
 * Argo looks such a volume up in the volumes of the Workflow that runs the template
 * (workflow/controller/workflowpod.go addVolumeReferences with woc.volumes, which operator.go
 * setExecWorkflow sets to the Workflow's spec.volumes, joined with its WorkflowTemplate's only
 * under workflowTemplateRef), never in the spec.volumes of a WorkflowTemplate a templateRef
 * reached ("volume 'x' not found in workflow spec", argo-workflows issues 3341, 7606).
 */
export function workflowMounts(doc: ArgoDocument, starts: string[], where: string): Array<{ volume: string; at: string }> {
  const out: Array<{ volume: string; at: string }> = [];
  for (const [volume, reached] of documentReach(doc, openMounts).byVolume) {
    const site = starts.map((s) => reached.get(s)).find((r) => r !== undefined);
    if (site) out.push({ volume, at: `${where}, template ${site.template}, ${site.at}` });
  }
  return out;
}

/** Template `t`'s mounts of volumes not in its own `volumes`, in its order. */
function openMounts(t: ArgoTemplate): OpenMount[] {
  const own = new Set((t.volumes ?? []).map((v) => v.name));
  return templateMounts(t).filter(({ mount }) => !own.has(mount.name)).map(({ mount, at }) => ({ volume: mount.name, at }));
}

/** A containerSet container's mounts as its task's volumes: the pod's scratch at each mount path (the volumes are emptyDirs, checked by volumeProblems). */
export function scratchVolumes(t: ArgoTemplate, container: number): Array<{ path: string; from: 'scratch' }> {
  return mountsOf(t, container).map(({ mount }) => ({ path: mount.mountPath, from: 'scratch' as const }));
}

/** A container or script template's mounts as its task's volumes: a directory of its own at each path; a volume mounted at several paths the task's scratch at each (checked by volumeProblems). */
export function ownVolumes(t: ArgoTemplate): Array<string | { path: string; from: 'scratch' }> {
  const shared = sharedVolumes(t);
  return podMountsOf(t).map(({ mount }) => (shared.includes(mount.name) ? { path: mount.mountPath, from: 'scratch' as const } : mount.mountPath));
}
