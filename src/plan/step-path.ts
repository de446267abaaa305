/**
 * Step paths as inputs and the `result` operation write them: a plain path starts at the
 * root of the unit the step is in (the flow, or a use/generate unit); one starting with
 * `./` or `../` at the step's own parent, which is how steps inside a fan-out item or a
 * cycle round reach their siblings.
 */

/** The step id `path` names, written at step `stepId` inside the unit rooted at `unitId`. */
export function resolveStep(path: string, stepId: string, unitId: string): string {
  if (!path.startsWith('./') && !path.startsWith('../')) return unitId === '' ? path : `${unitId}/${path}`;
  const base = stepId.split('/');
  base.pop(); // from the parent of the step
  for (const seg of path.split('/')) {
    if (seg === '.') continue;
    if (seg === '..') base.pop();
    else base.push(seg);
  }
  return base.join('/');
}
