/**
 * Windows of a `file://` cycle source (JSON lines), for both levels: round r is lines
 * [r*size, (r+1)*size), so a round read again (a replayed log, a restarted pod) gets the
 * same window. Without a size the first round takes everything (a file has all arrived).
 * The file is streamed, never read whole.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { StrataError } from '../src/errors/strata-error.ts';
import type { JsonValue } from '../src/flow/types.ts';

export interface FileWindow {
  items: JsonValue[];
  /** no line follows this window */
  drained: boolean;
}

/** Round `round` of the file at `path`; `source` names it in errors (as the flow wrote it). */
export async function readFileWindow(path: string, round: number, size = Infinity, source = `file://${path}`): Promise<FileWindow> {
  const start = round === 0 ? 0 : round * size;
  const items: JsonValue[] = [];
  let line = 0;
  let more = false;
  const rl = createInterface({ input: createReadStream(path, 'utf8'), crlfDelay: Infinity });
  try {
    for await (const text of rl) {
      if (text.trim() === '') continue;
      if (line >= start + size) {
        more = true;
        break;
      }
      if (line >= start) {
        try {
          items.push(JSON.parse(text) as JsonValue);
        } catch {
          throw new StrataError('invalid_document', `cycle source ${source}: line ${line + 1} is not JSON`);
        }
      }
      line++;
    }
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new StrataError('not_found', `cycle source ${source}: ENOENT, no such file`);
    throw e;
  } finally {
    rl.close();
  }
  return { items, drained: !more };
}
