/**
 * A slot container's log holds the output of every step it ran, each begun by the marker
 * line the gate's run script prints (runtime/quarterback/step-marker.ts). This splits such a stream into
 * chunks per step, markers left out; lines before any marker belong to `fallback`. Pure.
 */
import { parseMarker } from '../quarterback/step-marker.ts';

export interface StepChunk {
  step: string;
  chunk: string;
}

export class StepLogSplitter {
  private step: string;
  private rest = '';

  constructor(private readonly fallback: string, private readonly markers: boolean) {
    this.step = fallback;
  }

  /** Feed text; get the complete lines, grouped by step. */
  push(text: string): StepChunk[] {
    this.rest += text;
    const nl = this.rest.lastIndexOf('\n');
    if (nl < 0) return [];
    const lines = this.rest.slice(0, nl + 1);
    this.rest = this.rest.slice(nl + 1);
    return this.split(lines);
  }

  /** The stream ended: whatever is left. */
  end(): StepChunk[] {
    const rest = this.rest;
    this.rest = '';
    return rest ? this.split(rest) : [];
  }

  private split(text: string): StepChunk[] {
    if (!this.markers) return [{ step: this.step, chunk: text }];
    const out: StepChunk[] = [];
    let cur = '';
    for (const line of text.split(/(?<=\n)/)) {
      const m = parseMarker(line.replace(/\n$/, ''));
      if (!m) {
        cur += line;
        continue;
      }
      if (cur) out.push({ step: this.step, chunk: cur });
      cur = '';
      this.step = m.step;
    }
    if (cur) out.push({ step: this.step, chunk: cur });
    return out;
  }
}
