/**
 * Scope values a step gets (STRATA_PARAMS, STRATA_ITEM, STRATA_ITEMS, STRATA_EXIT) as files
 * too, so that none can make a process fail to start: Linux refuses an environment
 * variable over 128 KiB (MAX_ARG_STRLEN), and the spawn fails with E2BIG. Each value is
 * written to `<dir>/.strata-<name>.json` and named by `<VAR>_FILE` (STRATA_PARAMS_FILE);
 * the variable itself is kept while it is at most ENV_VALUE_BYTES, so small values read as
 * before. `dir` is the step's inputs directory: its entries are inputs, whose names never
 * start with a dot. Used by the local runtime (macro tasks) and the quarterback (its
 * containers, at both runtimes). docs/flow-language.md, "What a step sees".
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileHere } from './no-follow-writes.ts';

/** The largest value kept in the environment (bytes); larger ones are in their file only. */
export const ENV_VALUE_BYTES = 64 * 1024;

const FILED = ['STRATA_PARAMS', 'STRATA_ITEM', 'STRATA_ITEMS', 'STRATA_EXIT'] as const;

/** Write `env`'s scope values to files in `dir`, add `<VAR>_FILE` for each, drop the large ones from `env` (changed in place). `made`: the caller has just made `dir`. */
export function fileScopeValues(env: Record<string, string>, dir: string, made = false): void {
  // The worker made it; a runtime driven on its own (tests, `strata manifests`) may not have.
  if (!made) mkdirSync(dir, { recursive: true });
  for (const name of FILED) {
    const value = env[name];
    if (value === undefined) continue;
    const path = join(dir, `.${name.toLowerCase().replace(/_/g, '-')}.json`);
    writeFileHere(path, value);
    env[`${name}_FILE`] = path;
    if (Buffer.byteLength(value) > ENV_VALUE_BYTES) delete env[name];
  }
}
