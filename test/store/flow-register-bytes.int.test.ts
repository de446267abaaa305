/**
 * A flow registered as its JSON's UTF-8 bytes (POST /v1/datasets encodes a generated flow of
 * tens of MB once, in its task; from a worker thread they come as a Uint8Array) is stored,
 * answered and refused as the same flow registered as its JSON text.
 */
import { Redis } from 'ioredis';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { DefinitionsStore } from '../../src/store/definitions-store.ts';
import { WORKFLOW_TEMPLATE } from '../../src/argo/flow-marks.ts';

const redis = new Redis(inject('redisUrl'));
afterAll(async () => void (await redis.quit()));

const prefix = () => `fbytes-${Math.random().toString(36).slice(2)}:`;
const doc = (version: string, image: string) => ({ apiVersion: 'strata/v1', kind: 'Flow', metadata: { name: 'f', version, annotations: { [WORKFLOW_TEMPLATE]: 'wt' } }, spec: { root: { task: { image, env: { WHO: 'é 😀 "q"' } } } } });
/** Bytes as they arrive from a worker thread: a Uint8Array over part of a larger buffer, not a Buffer. */
const threadBytes = (text: string): Uint8Array => {
  const b = Buffer.from(`xx${text}yy`, 'utf8');
  return new Uint8Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.length), 2, b.length - 4);
};

describe('a flow registered as bytes', () => {
  it('stores the same value as its text, and the same again is unchanged', async () => {
    const [p1, p2] = [prefix(), prefix()];
    const [asText, asBytes] = [new DefinitionsStore(redis, p1), new DefinitionsStore(redis, p2)];
    const json = JSON.stringify(doc('1', 'a'));
    expect(await asText.registerFlowJson('f', '1', json)).toBe('created');
    expect(await asBytes.registerFlowJson('f', '1', threadBytes(json))).toBe('created');
    const [fromText, fromBytes] = await Promise.all([p1, p2].map((p) => redis.hgetBuffer(`${p}flow:f`, '1')));
    expect(fromBytes!.equals(fromText!)).toBe(true);
    expect(fromBytes!.toString('utf8')).toBe(json);
    expect(await asBytes.get('f@1')).toEqual(doc('1', 'a'));
    expect(await asBytes.registerFlowJson('f', '1', threadBytes(json))).toBe('unchanged');
    expect(await asBytes.latestFlowVersion('f')).toBe('1');
  });

  it('other content under the same version is refused with the same words as text', async () => {
    const messages: string[] = [];
    for (const version of ['1', 'argo-0123456789ab']) {
      const store = new DefinitionsStore(redis, prefix());
      await store.registerFlowJson('f', version, JSON.stringify(doc(version, 'a')));
      const other = JSON.stringify(doc(version, 'b'));
      const fromText = await store.registerFlowJson('f', version, other).catch((e: Error) => e.message);
      const fromBytes = await store.registerFlowJson('f', version, threadBytes(other)).catch((e: Error) => e.message);
      expect(fromBytes).toBe(fromText);
      messages.push(fromBytes);
    }
    expect(messages[0]).toContain('is already registered with other content');
    expect(messages[1]).toContain('strata flows delete wt');
  });
});
