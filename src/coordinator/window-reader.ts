/**
 * A cycle's windows from its source. file://PATH of JSON lines: runtime/file-window.ts
 * (round r is lines [r*size, (r+1)*size), the same for both levels). redis-stream://KEY: the next `size`
 * entries after the last one read (the cursor is kept per run and cycle in Redis), waiting
 * up to `ms` for them; a window that stays empty for `ms` means the stream is drained.
 */
import { resolve } from 'node:path';
import type { Redis } from 'ioredis';
import type { Command, EngineEvent } from '../engine/types.ts';
import { StrataError } from '../errors/strata-error.ts';
import type { JsonValue } from '../flow/types.ts';
import { readFileWindow } from '../../runtime/file-window.ts';

type WindowCommand = Extract<Command, { type: 'window' }>;

/**
 * Read a cycle's window. `fileRoots`, when given, are the only directories file:// sources
 * may be read from (STRATA_FILE_ROOTS), judged after every link is resolved
 * (runtime/file-roots.ts): on a shared service a flow must not read the coordinator's own files.
 */
export async function readWindow(redis: Redis, cursorKey: string, cmd: WindowCommand, fileRoots?: string[]): Promise<EngineEvent> {
  const url = new URL(cmd.source);
  if (url.protocol === 'file:') {
    const path = resolve(decodeURIComponent(cmd.source.slice('file://'.length)));
    const { items, drained } = await readFileWindow(path, cmd.round, cmd.size, cmd.source, fileRoots);
    return { type: 'window', step: cmd.step, round: cmd.round, items, drained };
  }
  if (url.protocol === 'redis-stream:') {
    const key = decodeURIComponent(cmd.source.slice('redis-stream://'.length));
    const field = `${cmd.step}#${cmd.round}`;
    const last = (await redis.hget(cursorKey, cmd.step)) ?? '0-0';
    // A replayed round re-reads from the cursor saved for it.
    const from = (await redis.hget(cursorKey, field)) ?? last;
    let entries = (await redis.xrange(key, `(${from}`, '+', 'COUNT', cmd.size ?? 100)) as Array<[string, string[]]>;
    if (entries.length === 0 && cmd.ms) {
      await new Promise((r) => setTimeout(r, cmd.ms));
      entries = (await redis.xrange(key, `(${from}`, '+', 'COUNT', cmd.size ?? 100)) as Array<[string, string[]]>;
    }
    const items = entries.map(([id, kv]) => {
      const o: Record<string, JsonValue> = { id };
      for (let i = 0; i < kv.length; i += 2) o[kv[i]] = kv[i + 1];
      return o as JsonValue;
    });
    await redis.hset(cursorKey, field, from, cmd.step, entries.length > 0 ? entries[entries.length - 1][0] : from);
    return { type: 'window', step: cmd.step, round: cmd.round, items, drained: items.length === 0 };
  }
  throw new StrataError('invalid_document', `unsupported cycle source ${cmd.source}`);
}
