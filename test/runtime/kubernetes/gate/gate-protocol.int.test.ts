/**
 * The gate protocol's TypeScript side against the real shell: run scripts quote any
 * value so that `sh` gives it back unchanged, and the entrypoint script uses exactly the
 * file names gate-protocol.ts defines. Real `sh` processes.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { GATE_FILES, parseExit, runScript, shQuote } from '../../../../sidecar/entrypoint/gate-protocol.ts';
import { parseMarker, STEP_MARKER } from '../../../../runtime/quarterback/step-marker.ts';
import { ENTRYPOINT } from '../support/slot-processes.ts';

const sh = (script: string, env: Record<string, string> = {}) => spawnSync('sh', ['-c', script], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '/bin', ...env } });

describe('gate protocol', () => {
  it('quotes any string so that sh reads it back unchanged', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 40 }).filter((s) => !s.includes('\0')), (s) => {
        expect(sh(`printf %s ${shQuote(s)}`).stdout).toBe(s);
      }),
      { numRuns: 60 },
    );
  });

  it('writes a run script that prints the marker, exports the env, enters the working dir and execs the argv', () => {
    const script = runScript({ step: 'fan/2/load', attempt: 3, argv: ['sh', '-c', 'printf "%s|%s|%s" "$A" "$PWD" "$0"', "it's"], env: { A: "x y 'z'", 'BAD-NAME': 'dropped' }, workingDir: '/tmp' });
    const out = sh(script);
    expect(out.stdout).toBe(`${STEP_MARKER} fan/2/load 3\nx y 'z'|/tmp|it's`);
    expect(parseMarker(out.stdout.split('\n')[0])).toEqual({ step: 'fan/2/load', attempt: 3 });
  });

  it('empties the slot\'s paths of its own (dotfiles too), puts inputs at their paths, and keeps standard output under the wrapper (issue 12)', () => {
    const root = mkdtempSync(join(tmpdir(), 'strata-run-script-'));
    try {
      const own = join(root, 'own');
      mkdirSync(join(own, 'old-dir'), { recursive: true });
      for (const f of ['left', '.hidden', '..twodots', 'old-dir/x']) writeFileSync(join(own, f), 'from the last step');
      mkdirSync(join(root, 'inputs'));
      writeFileSync(join(root, 'inputs', 'model'), 'weights');
      const script = runScript({
        step: 'p/a', attempt: 1, argv: ['sh', '-c', 'ls -A "$1"; cat "$1/in/m"; echo oops >&2; exit 3', 'sh', own], env: {},
        clear: [own], inputs: [{ name: 'model', from: join(root, 'inputs', 'model'), to: join(own, 'in', 'm') }], stdoutFile: join(root, 'stdout'),
      });
      const out = sh(script);
      expect(out.status).toBe(3);
      expect(out.stdout).toBe(`${STEP_MARKER} p/a 1\nin\nweights`);
      expect(readFileSync(join(root, 'stdout'), 'utf8')).toBe('in\nweights');
      const missing = sh(runScript({ step: 'p/a', attempt: 1, argv: ['true'], env: {}, inputs: [{ name: 'gone', from: join(root, 'inputs', 'gone'), to: join(own, 'g') }] }));
      expect(missing.status).toBe(127);
      expect(missing.stderr).toContain(`strata: input "gone" could not be put at ${join(own, 'g')}`);
      // An optional input its step did not write is left out, and the step runs (Argo tester 3, N5).
      const optional = sh(runScript({ step: 'p/a', attempt: 1, argv: ['sh', '-c', 'test -e "$1" && echo there || echo absent', 'sh', join(own, 'g')], env: {}, inputs: [{ name: 'gone', from: join(root, 'inputs', 'gone'), to: join(own, 'g'), optional: true }] }));
      expect(optional.status).toBe(0);
      expect(optional.stdout).toBe(`${STEP_MARKER} p/a 1\nabsent\n`);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it.each([
    ['0\n\n', { code: 0, note: '' }],
    ['143\ncancelled\n', { code: 143, note: 'cancelled' }],
    ['255\ninterrupted\n', { code: 255, note: 'interrupted' }],
    ['', undefined],
    ['x\n', undefined],
  ])('reads the exit file %j', (text, want) => {
    expect(parseExit(text)).toEqual(want);
  });

  it('is the protocol the entrypoint script follows', () => {
    const script = readFileSync(ENTRYPOINT, 'utf8');
    expect(script).toContain(`"$gate/${GATE_FILES.stop}"`);
    expect(script).toContain(`"$gate/${GATE_FILES.slots}/$s"`);
    expect(script).toContain(`write_file ${GATE_FILES.boot} `);
    for (const [f, suffix] of [[GATE_FILES.run, '.run'], [GATE_FILES.started, '.started'], [GATE_FILES.cancel, '.cancel'], [GATE_FILES.exit, '.exit']] as const) {
      expect(f(7)).toBe(`7${suffix}`);
      expect(script).toContain(`$1${suffix}"`);
    }
  });
});
