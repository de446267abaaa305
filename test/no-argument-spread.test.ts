/**
 * No source passes a list's elements as a call's arguments (`push(...list)`,
 * `Math.max(...list)`, `f(...list)` on a Redis client): V8 overflows its stack at about
 * 120,000 arguments, and lists here are user-sized (a withItems of 200,000 items crashed
 * `strata import argo`, `strata plan` and `POST /v1/runs`: issue 12, Argo tester fault 2).
 * src/flow/append-all.ts loops instead.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..');

function* sources(dir: string): Generator<string> {
  for (const f of readdirSync(dir)) {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) yield* sources(p);
    else if (/\.(ts|mts|mjs)$/.test(f)) yield p;
  }
}

/** Calls that take a spread list: push/unshift/splice, Math.max/min, String.fromCharCode, Redis multi-key commands. */
const SPREAD_CALL = /\.(push|unshift|splice|mget|hmget|zmscore|del|sadd|srem|zrem|hdel|rpush|lpush)\((?:[^(){}]*,\s*)?\.\.\.|Math\.(max|min)\(\.\.\.|fromCharCode\(\.\.\./;

describe('argument spreads over lists', () => {
  it('are used nowhere in the sources', () => {
    const found: string[] = [];
    for (const top of ['src', 'runtime', 'sidecar', 'generators']) {
      for (const file of sources(join(ROOT, top))) {
        readFileSync(file, 'utf8').split('\n').forEach((line, i) => {
          if (SPREAD_CALL.test(line) && !/^\s*(\*|\/\/)/.test(line)) found.push(`${relative(ROOT, file)}:${i + 1}: ${line.trim()}`);
        });
      }
    }
    expect(found).toEqual([]);
  });
});
