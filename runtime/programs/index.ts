/** The built-in images of strata, mapped to the programs beside this file for the local runtime. */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

export const STRATA_IMAGES: Record<string, string[]> = {
  'strata/echo': [process.execPath, join(here, 'echo.mjs')],
  // A step starts in a directory of its own, so a relative file:// location is taken from
  // the directory strata was started from, given as the first argument.
  'strata/tree-reader': [process.execPath, join(here, 'tree-reader.mjs'), process.cwd()],
};
