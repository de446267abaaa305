/**
 * Slots: the containers of a micro pod, declared up front because a running pod cannot
 * gain containers. Each leaf of the micro plan is a step-id template (relative to the
 * pod's step id: `*` stands for any fan-out item, `x#*` for any round of ring member x)
 * served by a pool of slot containers:
 *
 * - a leaf outside fan-outs and cycles has a pool of one slot, named after it;
 * - a leaf inside a fan-out has as many slots as the fan-out can run at once
 *   (`concurrency`, else the length of a literal `over`, else `defaultFanOutSlots`),
 *   multiplied through nested fan-outs and capped at `maxSlotsPerPool`;
 * - the leaf members of a cycle's ring run one after another, so they share one pool:
 *   its slot is switched from member to member by an in-place image update (the one
 *   field of a running container that may change), round after round.
 *
 * The gate driver queues a start while every slot of its pool is busy. Pure.
 */
import type { Resources, TaskSpec } from '../../src/flow/types.ts';
import { withFiles } from '../../src/engine/run-task.ts';
import type { RunTask } from '../../src/engine/types.ts';
import { privateDirs } from '../local/private-view.ts';
import { joinId, type PlanNode } from '../../src/plan/plan-node.ts';
import { dnsLabel, shortHash, slug } from './names.ts';
import { CONTAINERS } from './pod-layout.ts';
import { maxQuantity } from './quantity.ts';

export interface Slot {
  /** the container's name */
  name: string;
  /** the image the container is declared with */
  image: string;
}

export interface SlotPool {
  /** step-id templates this pool serves, relative to the pod's step id */
  templates: string[];
  /** the task of each template, in the order of `templates` */
  tasks: TaskSpec[];
  slots: Slot[];
  /** the largest of what the templates' tasks ask for */
  resources?: Resources;
  /**
   * the directories the templates' tasks declare as their container's own (volumes, the
   * directories of inputs, artifacts and parameters at a path; folded as the local
   * runtime's private view folds them): each slot mounts `own/<slot>/<k>` of the scratch
   * volume at the k-th, emptied before each step it runs
   */
  own?: string[];
  /** paths at which the tasks mount the pod's scratch (`volumes: [{ path, from: scratch }]`) */
  scratchPaths?: string[];
}

export interface SlotLayout {
  pools: SlotPool[];
}

export interface SlotOptions {
  /** slots for a fan-out with neither `concurrency` nor a literal list (default 4) */
  defaultFanOutSlots?: number;
  /** at most this many slots in one pool (default 16) */
  maxSlotsPerPool?: number;
}

interface Walk {
  pools: SlotPool[];
  widths: number[];
  opts: Required<SlotOptions>;
}

/** The slot layout of a pod's micro plan. */
export function planSlots(body: PlanNode, options: SlotOptions = {}): SlotLayout {
  const opts = { defaultFanOutSlots: options.defaultFanOutSlots ?? 4, maxSlotsPerPool: options.maxSlotsPerPool ?? 16 };
  const w: Walk = { pools: [], widths: [], opts };
  walk(body, body.seg, 1, w);
  const used = new Set<string>([CONTAINERS.init, CONTAINERS.quarterback]);
  const pools = w.pools.map((p, i) => ({ ...p, slots: nameSlots(p, w.widths[i], used) }));
  return { pools };
}

function walk(n: PlanNode, tpl: string, width: number, w: Walk): void {
  switch (n.kind) {
    case 'task':
    case 'generate':
      return addPool([tpl], [n.task], width, w);
    case 'sequence':
    case 'graph':
      for (const c of n.children) walk(c, joinId(tpl, c.seg), width, w);
      return;
    case 'fanOut': {
      const each = n.concurrency ?? (Array.isArray(n.over) ? Math.max(1, n.over.length) : w.opts.defaultFanOutSlots);
      walk(n.body, joinId(joinId(tpl, '*'), n.body.seg), Math.min(width * each, w.opts.maxSlotsPerPool), w);
      return;
    }
    case 'fanIn':
    case 'use':
      walk(n.body, joinId(tpl, n.body.seg), width, w);
      return;
    case 'cycle': {
      const leaves = n.ring.filter((m): m is Extract<PlanNode, { kind: 'task' | 'generate' }> => m.kind === 'task' || m.kind === 'generate');
      if (leaves.length > 0) addPool(leaves.map((m) => joinId(tpl, m.seg)), leaves.map((m) => m.task), width, w);
      for (const m of n.ring) if (m.kind !== 'task' && m.kind !== 'generate') walk(m, joinId(tpl, m.seg), width, w);
      return;
    }
    case 'pod':
      // The compiler rejects a pod inside a pod; nothing to lay out.
      return;
  }
}

function addPool(templates: string[], tasks: TaskSpec[], width: number, w: Walk): void {
  let resources: Resources | undefined;
  for (const t of tasks) if (t.resources) resources = mergeResources(resources, t.resources);
  const paths = ownPaths(tasks);
  w.pools.push({ templates, tasks, slots: [], ...(resources ? { resources } : {}), ...paths });
  w.widths.push(width);
}

/** The pool's paths of its own: every task's, folded into one list as one task's would be. */
function ownPaths(tasks: TaskSpec[]): Pick<SlotPool, 'own' | 'scratchPaths'> {
  const all = tasks.map((t) => withFiles({ image: '' }, t));
  const merged: RunTask = {
    image: '',
    volumes: all.flatMap((t) => t.volumes ?? []),
    artifactPaths: all.flatMap((t) => t.artifactPaths ?? []),
    inputPaths: all.flatMap((t) => t.inputPaths ?? []),
    parameters: Object.fromEntries(all.flatMap((t, i) => Object.entries(t.parameters ?? {}).map(([k, v]) => [`${i}.${k}`, v]))),
  };
  const own = privateDirs(merged);
  const scratchPaths = [...new Set(merged.volumes!.filter((v) => v.from === 'scratch').map((v) => v.path))];
  return { ...(own.length > 0 ? { own } : {}), ...(scratchPaths.length > 0 ? { scratchPaths } : {}) };
}

function mergeResources(a: Resources | undefined, b: Resources): Resources {
  if (!a) return b;
  // Every limit the pool's tasks name (cpu, memory, extended resources such as nvidia.com/gpu), the largest of each.
  const names = new Set([...Object.keys(a.limits ?? {}), ...Object.keys(b.limits ?? {})]);
  const limits = a.limits || b.limits ? Object.fromEntries([...names].map((k) => [k, maxQuantity(a.limits?.[k], b.limits?.[k])])) : undefined;
  return stripUndefined({ cpu: maxQuantity(a.cpu, b.cpu), memory: maxQuantity(a.memory, b.memory), ...(limits ? { limits: stripUndefined(limits) } : {}) });
}

function stripUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

function nameSlots(p: SlotPool, width: number, used: Set<string>): Slot[] {
  const shared = p.templates.length > 1;
  const base = slug(shared ? `${p.templates[0].replace(/\/?[^/]*#\*$/, '')}-ring` : p.templates[0].replace(/\*/g, 'item'), 50) || 'step';
  const slots: Slot[] = [];
  for (let k = 0; k < width; k++) {
    let name = dnsLabel(width > 1 ? `${base}-${k}` : base);
    if (used.has(name)) name = dnsLabel(`${base}-${shortHash(`${p.templates.join('|')}#${k}`)}`);
    used.add(name);
    // A computed image is known only when its step starts: the slot's image is replaced in place then.
    const image = p.tasks[0].image;
    slots.push({ name, image: typeof image === 'string' ? image : JSON.stringify(image) });
  }
  return slots;
}

/** The step id relative to the pod's step id; undefined when the step is not inside the pod. */
export function relativeStep(podStep: string, step: string): string | undefined {
  if (podStep === '') return step;
  return step.startsWith(`${podStep}/`) ? step.slice(podStep.length + 1) : undefined;
}

/** True when a relative step id is an instance of a template. */
export function matchTemplate(template: string, rel: string): boolean {
  const t = template.split('/');
  const s = rel.split('/');
  if (t.length !== s.length) return false;
  return t.every((seg, i) => {
    if (seg === s[i]) return true;
    if (seg === '*') return /^[0-9]+$/.test(s[i]);
    if (seg.endsWith('#*')) return s[i].startsWith(seg.slice(0, -1)) && /^[0-9]+$/.test(s[i].slice(seg.length - 1));
    return false;
  });
}

/** Where the k-th own path of `slot` is, relative to the scratch volume's `own` subPath and the quarterback's ownDir. */
export function ownSlotDir(slot: string, k: number): string {
  return `${slot}/${k}`;
}

/** The pool and template index serving a relative step id. */
export function poolFor(layout: SlotLayout, rel: string): { pool: SlotPool; template: number } | undefined {
  for (const pool of layout.pools) {
    const i = pool.templates.findIndex((t) => matchTemplate(t, rel));
    if (i >= 0) return { pool, template: i };
  }
  return undefined;
}
