/**
 * Windows of a micro cycle's source. `file://PATH` (JSON lines; a relative PATH is taken
 * from the quarterback's working directory) is read once and handed out `size` lines at
 * a time; without a size, a window is everything left (a file has all arrived already).
 * `redis-stream://` sources are not read inside a pod: the cycle fails with a sentence
 * saying so (run such a cycle at the macro level).
 */
import { resolve } from 'node:path';
import type { JsonValue } from '../src/flow/types.ts';
import type { WindowCommand } from '../src/engine/types.ts';
import { readFileWindow } from '../runtime/file-window.ts';

export interface Window {
  items: JsonValue[];
  drained: boolean;
}

/** Reads the windows of a pod's cycles (runtime/file-window.ts: round r, `size` lines). */
export class WindowReader {
  /** `roots`: STRATA_FILE_ROOTS of the worker that started the pod (runtime/file-roots.ts); undefined reads anywhere. */
  constructor(
    private readonly cwd: string = process.cwd(),
    private readonly roots?: string[],
  ) {}

  /** The window of a cycle's round; throws an Error whose message says what is wrong. */
  async next(cmd: WindowCommand): Promise<Window> {
    if (!cmd.source.startsWith('file://')) {
      throw new Error(`cycle ${cmd.step}: source ${cmd.source} cannot be read inside a pod (only file:// sources are supported at the micro level; run a redis-stream cycle at the macro level)`);
    }
    return readFileWindow(resolve(this.cwd, decodeURIComponent(cmd.source.slice('file://'.length))), cmd.round, cmd.size, cmd.source, this.roots);
  }
}
