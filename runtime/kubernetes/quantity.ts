/** Kubernetes quantities (`500m`, `2`, `256Mi`, `1G`): parsed only to compare them. */

const SUFFIX: Record<string, number> = {
  '': 1, m: 1e-3, k: 1e3, M: 1e6, G: 1e9, T: 1e12,
  Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40,
};

/** The value of a quantity as a number; NaN when it is not one strata writes. */
export function quantityValue(q: string): number {
  const m = /^([0-9]+(?:\.[0-9]+)?)(m|k|Ki|Mi|Gi|Ti|M|G|T)?$/.exec(q.trim());
  if (!m) return NaN;
  return Number(m[1]) * SUFFIX[m[2] ?? ''];
}

/** The larger of two quantities (either may be missing); ties keep the first. */
export function maxQuantity(a: string | undefined, b: string | undefined): string | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return quantityValue(b) > quantityValue(a) ? b : a;
}
