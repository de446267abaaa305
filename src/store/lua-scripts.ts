/**
 * Loads the Lua scripts of src/store/lua (`name-<numKeys>.lua`) for ioredis defineCommand.
 * A line `--#include NAME` is replaced by lua/shared/NAME.lua (Redis runs each script on
 * its own, so a function several scripts use is put in front of each when it is loaded),
 * and `--#include bullmq:NAME` by the text of BullMQ's own script NAME as the installed
 * BullMQ runs it (its includes resolved): a strata script that must change BullMQ's keys
 * exactly as BullMQ does calls BullMQ's code rather than a copy of it.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Redis } from 'ioredis';
// BullMQ's built scripts are not among its exports' names; the path is that of the pinned version (package.json).
import { removeJob } from 'bullmq/dist/esm/scripts/removeJob-2.js';

/** BullMQ's scripts a strata script may include, by name. */
const BULLMQ: Record<string, string> = { removeJob: removeJob.content };

const dir = join(dirname(fileURLToPath(import.meta.url)), 'lua');
let cache: Array<{ name: string; numberOfKeys: number; lua: string }> | undefined;

function scripts() {
  cache ??= readdirSync(dir)
    .filter((f) => f.endsWith('.lua'))
    .map((f) => {
      const m = /^(.+)-(\d+)\.lua$/.exec(f)!;
      const lua = readFileSync(join(dir, f), 'utf8')
        .replace(/^--#include ([a-z-]+)$/gm, (_, name: string) => readFileSync(join(dir, 'shared', `${name}.lua`), 'utf8'))
        .replace(/^--#include bullmq:([A-Za-z]+)$/gm, (_, name: string) => BULLMQ[name]);
      return { name: m[1].replace(/-([a-z])/g, (_, c: string) => c.toUpperCase()), numberOfKeys: Number(m[2]), lua };
    });
  return cache;
}

const defined = new WeakSet<Redis>();

/** Define every script as a command on this connection, once per connection. */
export function defineScripts(redis: Redis): void {
  if (defined.has(redis)) return;
  for (const s of scripts()) {
    if (!(s.name in redis)) redis.defineCommand(s.name, { numberOfKeys: s.numberOfKeys, lua: s.lua });
  }
  defined.add(redis);
}

/** Call a script by its camel-cased name. */
export function callScript<T>(redis: Redis, name: string, keys: string[], args: Array<string | number | Buffer>): Promise<T> {
  defineScripts(redis);
  return (redis as unknown as Record<string, (...a: unknown[]) => Promise<T>>)[name]([...keys, ...args]);
}
