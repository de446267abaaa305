/** The built-in images of strata, mapped to the programs beside this file for the local runtime. */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

export const STRATA_IMAGES: Record<string, string[]> = {
  'strata/echo': [process.execPath, join(here, 'echo.mjs')],
  'strata/tree-reader': [process.execPath, join(here, 'tree-reader.mjs')],
};
