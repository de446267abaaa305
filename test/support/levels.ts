/** The two levels a flow runs at, for tests that run the same flow at both (describe.each). */
export interface Level {
  name: string;
  /** what the level puts before a step's id: nothing at the macro level, the pod's id inside one */
  prefix: string;
  /** the run's root holding `root` at this level */
  wrap: (root: unknown) => unknown;
}

/** macro (the run's root) and inside a pod (the pod `p`'s micro flow) */
export const LEVELS: Level[] = [
  { name: 'macro', prefix: '', wrap: (root) => root },
  { name: 'inside a pod', prefix: 'p/', wrap: (root) => ({ id: 'p', pod: { flow: root } }) },
];
