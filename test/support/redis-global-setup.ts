/** vitest global set-up: one real redis-server on a free port for the whole test run. */
import type { TestProject } from 'vitest/node';
import { startRedisServer, type RedisServer } from '../../src/store/redis-server.ts';

let server: RedisServer | undefined;

export async function setup(project: TestProject): Promise<void> {
  server = await startRedisServer();
  project.provide('redisUrl', server.url);
}

export async function teardown(): Promise<void> {
  await server?.stop();
}

declare module 'vitest' {
  export interface ProvidedContext {
    redisUrl: string;
  }
}
