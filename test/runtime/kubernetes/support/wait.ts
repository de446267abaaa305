/** Wait for a condition that real processes make true; fails with `what` if it never does. */
export async function waitFor<T>(what: string, probe: () => T | undefined | false | Promise<T | undefined | false>, limitMs = 20_000): Promise<T> {
  const until = Date.now() + limitMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > until) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
