/** The quarterback as a program: the protocol on stdout, cancel on stdin, and the end of stdin. */
import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { decodeQuarterbackMessage, encode, lineSplitter, type QuarterbackMessage } from '../../runtime/quarterback/protocol.ts';
import { processRunning } from '../../runtime/process/process-group.ts';
import { hang, microPlan, podRequestPod, program, TempDirs } from './harness.ts';

const BIN = fileURLToPath(new URL('../../sidecar/bin.cjs', import.meta.url));
const dirs = new TempDirs();
afterEach(() => dirs.cleanup());

/** Start the quarterback on a plan; `onMessage` may write to its stdin. */
function quarterback(planPath: string, onMessage: (m: QuarterbackMessage, stdin: NodeJS.WritableStream) => void = () => undefined, closeStdin = false) {
  const child = spawn(process.execPath, [BIN, planPath], { stdio: ['pipe', 'pipe', 'pipe'] });
  const messages: QuarterbackMessage[] = [];
  const lines = lineSplitter((line) => {
    const m = decodeQuarterbackMessage(line);
    expect(m, `not a protocol line: ${line}`).toBeDefined();
    messages.push(m!);
    onMessage(m!, child.stdin);
  });
  child.stdout.on('data', (b: Buffer) => lines.push(b));
  if (closeStdin) child.stdin.end();
  return new Promise<{ code: number | null; messages: QuarterbackMessage[] }>((resolve) => child.on('close', (code) => resolve({ code, messages })));
}

describe('quarterback program', () => {
  it('speaks only protocol lines on stdout: hello, steps, logs, containers, done', async () => {
    const root = await dirs.make();
    const plan = microPlan(root, podRequestPod({ sequence: [{ id: 'a', task: program('report.mjs') }, { id: 'b', task: program('report.mjs') }] }));
    await writeFile(join(root, 'plan.json'), JSON.stringify(plan));
    const { code, messages } = await quarterback(join(root, 'plan.json'));
    expect(code).toBe(0);
    expect(messages[0]).toMatchObject({ type: 'hello', v: 1 });
    expect(messages.at(-1)).toMatchObject({ type: 'done', ok: true, result: { step: 'p/b' } });
    const kinds = messages.map((m) => (m.type === 'step' ? `${m.step}:${m.status}` : m.type === 'container' ? `${m.step}:${m.event}` : m.type));
    expect(kinds.filter((k) => k !== 'log')).toEqual(['hello', 'p/a:running', 'p/a:started', 'p/a:exited', 'p/a:succeeded', 'p/b:running', 'p/b:started', 'p/b:exited', 'p/b:succeeded', 'done']);
  });

  it('cancels on a cancel message: containers killed, then done', async () => {
    const root = await dirs.make();
    const plan = microPlan(root, podRequestPod({ id: 'h', task: hang(join(root, 'pid.json')) }), { control: 'stdin' });
    await writeFile(join(root, 'plan.json'), JSON.stringify(plan));
    const { code, messages } = await quarterback(join(root, 'plan.json'), (m, stdin) => {
      if (m.type === 'container' && m.event === 'started') setTimeout(() => stdin.write(encode({ type: 'cancel', reason: 'user asked' })), 100);
    });
    expect(code).toBe(1);
    expect(messages.at(-1)).toEqual({ type: 'done', ok: false, status: 'cancelled', error: 'user asked', steps: 1 });
    const started = messages.find((m) => m.type === 'container' && m.event === 'started') as { pid: number };
    expect(processRunning(started.pid)).toBe(false);
  });

  it('stops the pod when its worker goes away (stdin ends)', async () => {
    const root = await dirs.make();
    const plan = microPlan(root, podRequestPod({ id: 'h', task: hang(join(root, 'pid.json')) }), { control: 'stdin' });
    await writeFile(join(root, 'plan.json'), JSON.stringify(plan));
    const { code, messages } = await quarterback(join(root, 'plan.json'), () => undefined, true);
    expect(code).toBe(1);
    expect(messages.at(-1)).toMatchObject({ type: 'done', status: 'cancelled', error: 'the worker running this pod is gone' });
  });

  it('exits 2 with a done line naming the problem when the plan file is bad', async () => {
    const root = await dirs.make();
    await writeFile(join(root, 'plan.json'), '{"runId": "r"}');
    const { code, messages } = await quarterback(join(root, 'plan.json'));
    expect(code).toBe(2);
    expect(messages).toEqual([expect.objectContaining({ type: 'done', ok: false, error: expect.stringContaining('missing step, pod') })]);
  });
});
