/** Splitting a slot container's log by the gate's step markers, however the stream is chunked. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { StepLogSplitter, type StepChunk } from '../../../runtime/kubernetes/log-splitter.ts';

const LOG = 'before\n::strata-step:: p/fan/0 1\nzero a\nzero b\n::strata-step:: p/fan/3 2\nthree\nlast line without newline';

function byStep(chunks: StepChunk[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const c of chunks) out[c.step] = (out[c.step] ?? '') + c.chunk;
  return out;
}

describe('step log splitter', () => {
  it('gives each step the lines after its marker, markers left out', () => {
    const s = new StepLogSplitter('p', true);
    expect(byStep([...s.push(LOG), ...s.end()])).toEqual({ p: 'before\n', 'p/fan/0': 'zero a\nzero b\n', 'p/fan/3': 'three\nlast line without newline' });
  });

  it('gives the same however the stream is cut', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: LOG.length - 1 }), { maxLength: 12 }), (cuts) => {
        const points = [...new Set(cuts)].sort((a, b) => a - b);
        const s = new StepLogSplitter('p', true);
        const chunks: StepChunk[] = [];
        let from = 0;
        for (const p of [...points, LOG.length]) {
          chunks.push(...s.push(LOG.slice(from, p)));
          from = p;
        }
        chunks.push(...s.end());
        expect(byStep(chunks)).toEqual({ p: 'before\n', 'p/fan/0': 'zero a\nzero b\n', 'p/fan/3': 'three\nlast line without newline' });
      }),
    );
  });

  it('leaves a container without markers (a task, the quarterback) to its fallback step', () => {
    const s = new StepLogSplitter('etl', false);
    expect(byStep([...s.push('::strata-step:: x 1\nplain\n'), ...s.end()])).toEqual({ etl: '::strata-step:: x 1\nplain\n' });
  });
});
