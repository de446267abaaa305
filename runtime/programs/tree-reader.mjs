// strata/tree-reader: reads a tree from a file:// location (directories are nodes, JSON
// files are leaves named after the file) and writes the Dataset with the tree inline as
// its result, so the rules can generate the flow that processes it (self-bootstrap).
// argv: LOCATION DATASET_JSON. The location is absolute: a Dataset's relative one was made
// absolute when strata took the Dataset in (src/dataset/dataset-location.ts); this program
// starts in a directory of its own and guesses no base.
import { readdirSync, statSync, writeFileSync } from 'node:fs';
import { basename, isAbsolute, join } from 'node:path';

const [location, datasetJson] = process.argv.slice(2);
if (!location || !location.startsWith('file://') || !isAbsolute(location.slice('file://'.length))) {
  process.stderr.write(`tree-reader: location must be an absolute file:// address (file:///PATH), got ${location}\n`);
  process.exit(2);
}
const root = location.slice('file://'.length);
const safeId = (s) => s.replace(/[^A-Za-z0-9_.-]/g, '-').replace(/^[^A-Za-z0-9]+/, '') || 'node';

function read(path, id) {
  const st = statSync(path);
  if (!st.isDirectory()) return { id, file: path };
  const children = readdirSync(path).sort().map((name) => read(join(path, name), safeId(name.replace(/\.json$/, ''))));
  return { id, children };
}

const dataset = JSON.parse(datasetJson);
try {
  dataset.spec.root = read(root, safeId(basename(root)));
} catch (e) {
  // One sentence naming the location and why (the step's error is its last line), never Node's stack trace.
  process.stderr.write(`tree-reader: cannot read the tree at ${root}: ${e?.code === 'ELOOP' ? 'too many levels of symbolic links' : e?.code === 'ENOENT' ? 'no such file or directory' : e?.message ?? String(e)}${e?.path && e.path !== root ? ` (${e.path})` : ''}\n`);
  process.exit(2);
}
writeFileSync(join(process.env.STRATA_OUTPUTS, 'result.json'), JSON.stringify(dataset));
