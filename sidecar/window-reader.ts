/**
 * Windows of a micro cycle's source. `file://PATH` (JSON lines; a relative PATH is taken
 * from the quarterback's working directory) is read once and handed out `size` lines at
 * a time; without a size, a window is everything left (a file has all arrived already).
 * `redis-stream://` sources are not read inside a pod: the pod fails with a sentence
 * saying so (run such a cycle at the macro level).
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { JsonValue } from '../src/flow/types.ts';
import type { WindowCommand } from '../src/engine/types.ts';

export interface Window {
  items: JsonValue[];
  drained: boolean;
}

/** Reads the windows of a pod's cycles, one cursor per cycle step. */
export class WindowReader {
  private readonly files = new Map<string, Promise<JsonValue[]>>();
  private readonly cursors = new Map<string, number>();

  constructor(private readonly cwd: string = process.cwd()) {}

  /** The next window for a cycle; throws an Error whose message says what is wrong. */
  async next(cmd: WindowCommand): Promise<Window> {
    if (!cmd.source.startsWith('file://')) {
      throw new Error(`cycle ${cmd.step}: source ${cmd.source} cannot be read inside a pod (only file:// sources are supported at the micro level; run a redis-stream cycle at the macro level)`);
    }
    const lines = await this.lines(cmd.source);
    const from = this.cursors.get(cmd.step) ?? 0;
    const to = Math.min(lines.length, from + (cmd.size ?? lines.length));
    this.cursors.set(cmd.step, to);
    return { items: lines.slice(from, to), drained: to >= lines.length };
  }

  private lines(source: string): Promise<JsonValue[]> {
    let p = this.files.get(source);
    if (!p) {
      p = readLines(resolve(this.cwd, source.slice('file://'.length)), source);
      this.files.set(source, p);
    }
    return p;
  }
}

async function readLines(path: string, source: string): Promise<JsonValue[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new Error(`cycle source ${source}: ${(e as Error).message}`);
  }
  const out: JsonValue[] = [];
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    try {
      out.push(JSON.parse(line) as JsonValue);
    } catch {
      throw new Error(`cycle source ${source}: line ${i + 1} is not JSON`);
    }
  });
  return out;
}
