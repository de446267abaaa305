/**
 * Windows of a `file://` cycle source (JSON lines), for both levels: round r is the lines
 * [r*size, (r+1)*size) (blank lines do not count), so a round read again (a replayed
 * log, a restarted pod) gets the same window. Without a size the first round takes
 * everything (a file has all arrived). Where each round starts in the file is remembered
 * while the file is unchanged, so a long file read round after round is read once, not
 * once per round.
 */
import type { FileHandle } from 'node:fs/promises';
import { StrataError } from '../src/errors/strata-error.ts';
import type { JsonValue } from '../src/flow/types.ts';
import { openConfined } from './file-roots.ts';
import { jsonTooDeep, tooDeepText } from '../src/logic/json-nesting.ts';
import { jsonTextProblems } from '../src/logic/lossy-numbers.ts';

export interface FileWindow {
  items: JsonValue[];
  /** no line follows this window */
  drained: boolean;
}

interface Known {
  mtimeMs: number;
  bytes: number;
  /** byte offset where round r starts */
  starts: Map<number, number>;
}

const known = new Map<string, Known>();
const MAX_FILES = 256;

/**
 * Round `round` of the file at `path`; `source` names it in errors (as the flow wrote it).
 * `roots` (STRATA_FILE_ROOTS), when given, confine which files may be read (file-roots.ts).
 */
export async function readFileWindow(path: string, round: number, size = Infinity, source = `file://${path}`, roots?: string[]): Promise<FileWindow> {
  const fh = await openConfined(path, roots, source);
  try {
    return await windowOf(fh, path, round, size, source);
  } finally {
    await fh.close();
  }
}

async function windowOf(fh: FileHandle, path: string, round: number, size: number, source: string): Promise<FileWindow> {
  const st = await fh.stat();
  if (size === Infinity) return scan(fh, 0, 0, 0, Infinity, source, () => undefined);
  const key = `${path}|${size}`;
  let k = known.get(key);
  if (!k || k.mtimeMs !== st.mtimeMs || k.bytes !== st.size) {
    k = { mtimeMs: st.mtimeMs, bytes: st.size, starts: new Map([[0, 0]]) };
    known.set(key, k);
    if (known.size > MAX_FILES) known.delete(known.keys().next().value as string);
  }
  // Start from the nearest round whose offset is known, skipping whole rounds to this one.
  let from = 0;
  for (const r of k.starts.keys()) if (r <= round && r > from) from = r;
  const starts = k.starts;
  return scan(fh, starts.get(from)!, from * size, (round - from) * size, size, source, (linesSeen, offset) => {
    if (linesSeen % size === 0) starts.set(from + linesSeen / size, offset);
  });
}

/**
 * From byte `offset` (where line number `firstLine` begins), skip `skip` lines and take
 * `size`; `mark` hears each line boundary. Lines are counted without blank ones.
 */
async function scan(fh: FileHandle, offset: number, firstLine: number, skip: number, size: number, source: string, mark: (linesSeen: number, offset: number) => void): Promise<FileWindow> {
  const items: JsonValue[] = [];
  let seen = 0;
  let pos = offset;
  let rest = Buffer.alloc(0);
  const stream = fh.createReadStream({ start: offset, autoClose: false });
  const take = (line: Buffer): boolean => {
    const text = line.toString('utf8').replace(/\r$/, '');
    if (text.trim() === '') return true;
    if (seen >= skip + size) return false; // a line after the window: not drained
    if (seen >= skip) {
      if (jsonTooDeep(text)) throw new StrataError('invalid_document', `cycle source ${source}: line ${firstLine + seen + 1} is JSON ${tooDeepText()}`);
      const line = firstLine + seen + 1;
      try {
        items.push(JSON.parse(text) as JsonValue);
      } catch {
        throw new StrataError('invalid_document', `cycle source ${source}: line ${line} is not JSON`);
      }
      // A key given twice (JSON.parse keeps the last) or a number a JavaScript number cannot hold is refused, named, as in any JSON read (tester 17).
      const problems = jsonTextProblems(text, `line ${line}`);
      if (problems.length > 0) throw new StrataError('invalid_document', `cycle source ${source}: ${problems.slice(0, 5).map((p) => `${p.path}: ${p.message}`).join('; ')}${problems.length > 5 ? `; and ${problems.length - 5} more` : ''}`);
    }
    seen++;
    return true;
  };
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      let buf = rest.length > 0 ? Buffer.concat([rest, chunk]) : chunk;
      let nl;
      while ((nl = buf.indexOf(10)) >= 0) {
        const lineStart = pos;
        if (!take(buf.subarray(0, nl))) {
          mark(seen, lineStart);
          return { items, drained: false };
        }
        pos += nl + 1;
        mark(seen, pos);
        buf = buf.subarray(nl + 1);
      }
      rest = Buffer.from(buf);
    }
    if (rest.length > 0 && !take(rest)) return { items, drained: false };
    return { items, drained: true };
  } finally {
    stream.destroy();
  }
}
