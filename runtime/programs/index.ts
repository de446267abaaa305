/** The built-in images of strata, mapped to the programs beside this file for the local runtime. */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

export const STRATA_IMAGES: Record<string, string[]> = {
  'strata/echo': [process.execPath, join(here, 'echo.mjs')],
  // Its location is absolute: strata made it so when it took the Dataset in (src/dataset/dataset-location.ts).
  'strata/tree-reader': [process.execPath, join(here, 'tree-reader.mjs')],
};
