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

/**
 * What an image runs when a container names no command, as the image declares it: a list
 * is its ENTRYPOINT (a container's `args` follow it); `{ entrypoint, cmd }` names either or
 * both, where `cmd` (Docker's CMD) is what `args` replace.
 */
export type ImageEntry = string[] | { entrypoint?: string[]; cmd?: string[] };
export type ImageMap = Record<string, ImageEntry>;

/**
 * What the common images run when given no command, as the real images declare it
 * (their Dockerfiles on Docker Hub): busybox, alpine, debian and ubuntu have no ENTRYPOINT
 * and `CMD ["sh"]` (`/bin/sh`, `bash` for the last two: `sh` here, a shell on any host);
 * python has `CMD ["python3"]`; so a container's `args` alone are its whole command line
 * there, as on Kubernetes. node's entrypoint script runs `node` on args that are not a
 * program (`app.js`, `-e`), which is what the entrypoint `node` gives here.
 */
export const BUILTIN_IMAGES: ImageMap = {
  'strata/noop': ['true'],
  busybox: { cmd: ['sh'] },
  alpine: { cmd: ['sh'] },
  debian: { cmd: ['sh'] },
  ubuntu: { cmd: ['sh'] },
  node: [process.execPath],
  python: { cmd: ['python3'] },
};

/**
 * The command line of a container, by the Kubernetes rule (kubernetes.io, "Define a
 * Command and Arguments for a Container", notes): a `command` replaces the image's
 * ENTRYPOINT and drops its CMD; `args` replace the CMD. So: command + args when there is a
 * command, else ENTRYPOINT + (args, or CMD when there are none). Undefined when that is empty
 * or when there is no command and no entry.
 */
export function containerArgv(command: string[] | undefined, args: string[] | undefined, entry: ImageEntry | undefined): string[] | undefined {
  const own = args ?? [];
  if (command && command.length > 0) return [...command, ...own];
  if (!entry) return undefined;
  const { entrypoint = [], cmd = [] } = Array.isArray(entry) ? { entrypoint: entry } : entry;
  const argv = [...entrypoint, ...(own.length > 0 ? own : cmd)];
  return argv.length > 0 ? argv : undefined;
}

/** Load the image map from the environment: built-ins, STRATA_HOME/images.json, STRATA_IMAGE_MAP. */
export function loadImageMap(env: Record<string, string | undefined> = process.env): ImageMap {
  const map: ImageMap = { ...BUILTIN_IMAGES };
  const home = join(env.STRATA_HOME || '.strata', 'images.json');
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
  const list = ([cmd, ...args]: string[]) => [command(cmd), ...args.map(arg)];
  // In { entrypoint, cmd } the program is the entrypoint's first word, or the cmd's when there is no entrypoint.
  const entry = (e: ImageEntry): ImageEntry => {
    if (Array.isArray(e)) return list(e);
    const { entrypoint, cmd } = e;
    if (entrypoint && entrypoint.length > 0) return { entrypoint: list(entrypoint), ...(cmd ? { cmd: cmd.map(arg) } : {}) };
    return cmd && cmd.length > 0 ? { cmd: list(cmd) } : e;
  };
  return Object.fromEntries(Object.entries(map).map(([image, e]) => [image, entry(e)]));
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
  const strings = (v: unknown): v is string[] => Array.isArray(v) && v.every((c) => typeof c === 'string');
  for (const [image, e] of Object.entries(doc)) {
    if (strings(e) && e.length > 0) continue;
    const o = e as Record<string, unknown>;
    const named = typeof e === 'object' && e !== null && !Array.isArray(e) && Object.keys(o).every((k) => k === 'entrypoint' || k === 'cmd');
    if (named && (o.entrypoint === undefined || strings(o.entrypoint)) && (o.cmd === undefined || strings(o.cmd)) && ((o.entrypoint as string[] | undefined)?.length || (o.cmd as string[] | undefined)?.length)) continue;
    throw new StrataError('invalid_document', `image map ${where}: "${image}" must map to a non-empty list of strings (its entrypoint) or to { "entrypoint": [...], "cmd": [...] } naming at least one command`);
  }
  return doc as ImageMap;
}

/**
 * The argv a task runs as: its command and args, or what its image's map entry runs with
 * the task's args (containerArgv: args follow an entrypoint, replace a cmd). A string is
 * the reason it cannot run, as a sentence.
 */
export function argvFor(task: RunTask, map: ImageMap): string[] | string {
  const argv = containerArgv(task.command, task.args, task.command?.length ? undefined : lookupImage(task.image, map));
  if (!argv) {
    return `image "${task.image}" has no local command: give the task a command, or map the image in images.json under STRATA_HOME (or the file named by STRATA_IMAGE_MAP)`;
  }
  return argv;
}

/** An image's map entry: the exact name first, then without digest and tag (`node:20-alpine` -> `node`). */
export function lookupImage(image: string, map: ImageMap): ImageEntry | undefined {
  if (Object.hasOwn(map, image)) return map[image];
  const noDigest = image.split('@')[0];
  if (Object.hasOwn(map, noDigest)) return map[noDigest];
  const slash = noDigest.lastIndexOf('/');
  const colon = noDigest.lastIndexOf(':');
  const bare = colon > slash ? noDigest.slice(0, colon) : noDigest;
  return Object.hasOwn(map, bare) ? map[bare] : undefined;
}
