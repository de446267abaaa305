/**
 * A Dataset's relative `file://` location made absolute, once, when the Dataset is taken
 * in, so every step (strata/tree-reader, a stream's cycle) gets an absolute one and none
 * guesses a base (docs/flow-language.md, A Dataset's location). The base is the taker's:
 * the directory the server was started in for a Dataset sent over HTTP (or made by a
 * generate step, or by the Kubernetes operator), the CLI's working directory for
 * `strata apply` and `strata plan`. Pure: path arithmetic, no file system.
 */
import { isAbsolute, resolve } from 'node:path';
import type { Dataset } from './dataset-document.ts';

const FILE = 'file://';

/** `d` with a relative `file://PATH` location made `file://` + the absolute path from `base` (absolute); anything else as it is. */
export function anchorLocation(d: Dataset, base: string): Dataset {
  const location = d.spec.location;
  if (!location?.startsWith(FILE) || isAbsolute(location.slice(FILE.length))) return d;
  return { ...d, spec: { ...d.spec, location: `${FILE}${resolve(base, location.slice(FILE.length))}` } };
}
