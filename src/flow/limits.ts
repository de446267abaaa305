/**
 * Limits that keep one document or one run from exhausting the service. Each has a clear
 * error naming the limit and the variable that sets it (LIMIT_VARIABLES): the pure core
 * never reads the environment, so the process's configuration (src/app/config.ts) passes
 * a Limits in as data; DEFAULT_LIMITS are the safe values used when none is given.
 */
export interface Limits {
  /** bytes of one document's text (files read by the CLI; an HTTP body has STRATA_MAX_BODY_BYTES) */
  maxBytes: number;
  /** nesting depth of flow nodes (STRATA_MAX_FLOW_DEPTH) */
  maxDepth: number;
  /** flow nodes in one document (STRATA_MAX_DOCUMENT_NODES) */
  maxNodes: number;
  /** steps in one compiled plan, and steps one run may make, fan-out items and rounds included (STRATA_MAX_RUN_STEPS) */
  maxSteps: number;
  /** nesting depth of `use` units and `generate` steps (STRATA_MAX_UNIT_DEPTH) */
  maxUnitDepth: number;
  /** items one fan-out may have (STRATA_MAX_FANOUT_ITEMS) */
  maxFanOutItems: number;
  /** nesting depth of any parsed document or body: objects and lists (STRATA_MAX_TEXT_NESTING) */
  maxTextNesting: number;
  /** bytes of a leaf step's result.json (STRATA_MAX_RESULT_BYTES) */
  maxResultBytes: number;
  /** bytes of a composite's result as JSON: a graph's map, a fan-out's list of its children's results (STRATA_MAX_COMPOSITE_RESULT_BYTES) */
  maxCompositeResultBytes: number;
  /** bytes of a generate step's result, a Dataset document (STRATA_MAX_DATASET_RESULT_BYTES) */
  maxDatasetResultBytes: number;
  /** nodes of a Dataset's tree (STRATA_MAX_TREE_NODES) */
  maxTreeNodes: number;
  /** levels of a Dataset's tree (STRATA_MAX_TREE_DEPTH) */
  maxTreeDepth: number;
  /** bytes of a step's log kept in Redis, its last ones (STRATA_MAX_LOG_BYTES; `strata logs`) */
  maxLogBytes: number;
}

export const DEFAULT_LIMITS: Limits = {
  maxBytes: 64 * 1024 * 1024,
  maxDepth: 48,
  maxNodes: 500_000,
  maxSteps: 500_000,
  maxUnitDepth: 8,
  maxFanOutItems: 500_000,
  maxTextNesting: 256,
  maxResultBytes: 1024 * 1024,
  maxCompositeResultBytes: 64 * 1024 * 1024,
  maxDatasetResultBytes: 64 * 1024 * 1024,
  maxTreeNodes: 500_000,
  maxTreeDepth: 64,
  maxLogBytes: 1024 * 1024,
};

/** The variable that sets each limit (none for maxBytes: the CLI's files; bodies have STRATA_MAX_BODY_BYTES). */
export const LIMIT_VARIABLES: Record<Exclude<keyof Limits, 'maxBytes'>, string> = {
  maxDepth: 'STRATA_MAX_FLOW_DEPTH',
  maxNodes: 'STRATA_MAX_DOCUMENT_NODES',
  maxSteps: 'STRATA_MAX_RUN_STEPS',
  maxUnitDepth: 'STRATA_MAX_UNIT_DEPTH',
  maxFanOutItems: 'STRATA_MAX_FANOUT_ITEMS',
  maxTextNesting: 'STRATA_MAX_TEXT_NESTING',
  maxResultBytes: 'STRATA_MAX_RESULT_BYTES',
  maxCompositeResultBytes: 'STRATA_MAX_COMPOSITE_RESULT_BYTES',
  maxDatasetResultBytes: 'STRATA_MAX_DATASET_RESULT_BYTES',
  maxTreeNodes: 'STRATA_MAX_TREE_NODES',
  maxTreeDepth: 'STRATA_MAX_TREE_DEPTH',
  maxLogBytes: 'STRATA_MAX_LOG_BYTES',
};

/** `the limit of 500,000 (STRATA_MAX_RUN_STEPS)`: how an error names a limit. */
export function limitText(limits: Limits, name: Exclude<keyof Limits, 'maxBytes'>): string {
  return `the limit of ${limits[name].toLocaleString('en')} (${LIMIT_VARIABLES[name]})`;
}

/** The limits the engine applies while a run goes (the coordinator's, a pod's quarterback's). */
export type RunLimits = Pick<Limits, 'maxSteps' | 'maxUnitDepth' | 'maxFanOutItems' | 'maxResultBytes' | 'maxCompositeResultBytes' | 'maxDatasetResultBytes'>;

/** The limits a run's engine decides by (its step count, fan-outs, composite results, unit depth): recorded in its log's `begin`, so every process folds it alike. */
export type FoldLimits = Pick<Limits, 'maxSteps' | 'maxUnitDepth' | 'maxFanOutItems' | 'maxCompositeResultBytes'>;

/** The fold limits of `limits`. */
export function foldLimits(limits: Limits): FoldLimits {
  const { maxSteps, maxUnitDepth, maxFanOutItems, maxCompositeResultBytes } = limits;
  return { maxSteps, maxUnitDepth, maxFanOutItems, maxCompositeResultBytes };
}

/** The fold limits a log's `begin` records (foldLimits), each a whole number above 0; undefined for one that has none (a run made before tester 16, or a bad entry). */
export function recordedFoldLimits(v: unknown): FoldLimits | undefined {
  if (typeof v !== 'object' || v === null) return undefined;
  const o = v as Record<string, unknown>;
  const keys = ['maxSteps', 'maxUnitDepth', 'maxFanOutItems', 'maxCompositeResultBytes'] as const;
  if (!keys.every((k) => Number.isSafeInteger(o[k]) && (o[k] as number) > 0)) return undefined;
  return { maxSteps: o.maxSteps as number, maxUnitDepth: o.maxUnitDepth as number, maxFanOutItems: o.maxFanOutItems as number, maxCompositeResultBytes: o.maxCompositeResultBytes as number };
}

/** The run limits of `limits`. */
export function runLimits(limits: Limits): RunLimits {
  const { maxSteps, maxUnitDepth, maxFanOutItems, maxResultBytes, maxCompositeResultBytes, maxDatasetResultBytes } = limits;
  return { maxSteps, maxUnitDepth, maxFanOutItems, maxResultBytes, maxCompositeResultBytes, maxDatasetResultBytes };
}
