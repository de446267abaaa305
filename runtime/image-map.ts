/**
 * The image map of the local runtime: on a laptop there are no images, so an image name
 * maps to the local command it stands for (`{ "image-name": ["node", "path/to/script.js"] }`).
 * A task's own `command` always wins; the map is only read for tasks without one.
 * Sources, later over earlier: built-ins, $STRATA_HOME/images.json, $STRATA_IMAGE_MAP; each
 * file's relative paths are taken from the file's own directory (anchorMap).
 */
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { StrataError } from '../src/errors/strata-error.ts';
import type { RunTask } from '../src/engine/types.ts';

export type ImageMap = Record<string, string[]>;

/** What the common images run when given no command (their default entrypoint). */
export const BUILTIN_IMAGES: ImageMap = {
  'strata/noop': ['true'],
  busybox: ['sh'],
  alpine: ['sh'],
  debian: ['sh'],
  ubuntu: ['sh'],
  node: [process.execPath],
  python: ['python3'],
};

/** Load the image map from the environment: built-ins, STRATA_HOME/images.json, STRATA_IMAGE_MAP. */
export function loadImageMap(env: Record<string, string | undefined> = process.env): ImageMap {
  const map: ImageMap = { ...BUILTIN_IMAGES };
  const home = join(env.STRATA_HOME ?? '.strata', 'images.json');
  Object.assign(map, readMapFile(home, false));
  if (env.STRATA_IMAGE_MAP) Object.assign(map, readMapFile(env.STRATA_IMAGE_MAP, true));
  return map;
}

/**
 * An image map's relative paths made absolute against `base`, always and by their words
 * alone (never by what exists on disk): a step starts in a directory of its own, so a map
 * must name its programs as an image names its content, fixed when it is written. What is
 * a path: the command (the first element) when it holds a `/` (as execvp reads it; `node`
 * is looked up on PATH), and every argument that begins with `./` or `../` (or is `.` or
 * `..`). Other arguments are passed as written. `base`: a map file's own directory
 * (readMapFile); for a map given in code, the directory strata was started in.
 */
export function anchorMap(map: ImageMap, base = process.cwd()): ImageMap {
  const at = (p: string) => resolve(base, p);
  const arg = (a: string) => (a === '.' || a === '..' || a.startsWith('./') || a.startsWith('../') ? at(a) : a);
  const command = (c: string) => (!isAbsolute(c) && c.includes('/') ? at(c) : arg(c));
  return Object.fromEntries(Object.entries(map).map(([image, [cmd, ...args]]) => [image, [command(cmd), ...args.map(arg)]]));
}

/** Parse and check one image map file, its relative paths taken from its directory (anchorMap); a missing optional file is an empty map. */
export function readMapFile(path: string, required: boolean): ImageMap {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    if (!required && (e as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new StrataError('invalid_document', `image map ${path}: ${(e as Error).message}`);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new StrataError('invalid_document', `image map ${path} is not valid JSON: ${(e as Error).message}`);
  }
  return anchorMap(checkImageMap(doc, path), dirname(resolve(path)));
}

/** An image map from parsed JSON; throws naming the first bad entry. */
export function checkImageMap(doc: unknown, where: string): ImageMap {
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    throw new StrataError('invalid_document', `image map ${where} must be an object { "image": ["command", "arg", ...] }`);
  }
  for (const [image, cmd] of Object.entries(doc)) {
    if (!Array.isArray(cmd) || cmd.length === 0 || !cmd.every((c) => typeof c === 'string')) {
      throw new StrataError('invalid_document', `image map ${where}: "${image}" must map to a non-empty list of strings`);
    }
  }
  return doc as ImageMap;
}

/**
 * The argv a task runs as: its command and args, or the image's mapped command and the
 * task's args. A string is the reason it cannot run, as a sentence.
 */
export function argvFor(task: RunTask, map: ImageMap): string[] | string {
  const args = task.args ?? [];
  if (task.command && task.command.length > 0) return [...task.command, ...args];
  const mapped = lookup(task.image, map);
  if (!mapped) {
    return `image "${task.image}" has no local command: give the task a command, or map the image in images.json under STRATA_HOME (or the file named by STRATA_IMAGE_MAP)`;
  }
  return [...mapped, ...args];
}

/** Exact name first, then without digest and tag (`node:20-alpine` -> `node`). */
function lookup(image: string, map: ImageMap): string[] | undefined {
  if (Object.hasOwn(map, image)) return map[image];
  const noDigest = image.split('@')[0];
  if (Object.hasOwn(map, noDigest)) return map[noDigest];
  const slash = noDigest.lastIndexOf('/');
  const colon = noDigest.lastIndexOf(':');
  const bare = colon > slash ? noDigest.slice(0, colon) : noDigest;
  return Object.hasOwn(map, bare) ? map[bare] : undefined;
}
