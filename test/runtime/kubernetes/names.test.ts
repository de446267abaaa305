/** Names and label values: whatever a step id holds, Kubernetes accepts the result, and different ids stay different. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dnsLabel, labelValue, podName } from '../../../runtime/kubernetes/names.ts';

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const stepId = fc.array(fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9_.#-]{0,20}$/), { minLength: 1, maxLength: 6 }).map((s) => s.join('/'));

describe('names', () => {
  it.each([
    ['a valid label stays as it is', 'extract', 'extract'],
    ['a step id is folded and hashed', 'fan/3/load', /^fan-3-load-[0-9a-f]{8}$/],
    ['a ring member round is folded and hashed', 'ring/a#2', /^ring-a-2-[0-9a-f]{8}$/],
  ])('label value: %s', (_d, id, want) => {
    if (typeof want === 'string') expect(labelValue(id)).toBe(want);
    else expect(labelValue(id)).toMatch(want);
  });

  it('always gives label values, DNS labels and pod names Kubernetes accepts', () => {
    fc.assert(
      fc.property(stepId, fc.string({ maxLength: 80 }), fc.integer({ min: 1, max: 99 }), (step, run, attempt) => {
        expect(labelValue(step)).toMatch(LABEL_VALUE);
        expect(labelValue(step).length).toBeLessThanOrEqual(63);
        expect(dnsLabel(step)).toMatch(DNS_LABEL);
        expect(dnsLabel(step).length).toBeLessThanOrEqual(63);
        const name = podName(run, step, attempt);
        expect(name).toMatch(DNS_LABEL);
        expect(name.length).toBeLessThanOrEqual(63);
      }),
    );
  });

  it('keeps different steps apart even when they fold the same', () => {
    expect(labelValue('a/b')).not.toBe(labelValue('a#b'));
    expect(podName('r', 'a/b', 1)).not.toBe(podName('r', 'a#b', 1));
    expect(podName('r', 'a', 1)).not.toBe(podName('r', 'a', 2));
  });
});
