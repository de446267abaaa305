/**
 * The quarterback's timers: the engine has no clock, so a composite's deadline and a
 * leaf's retry back-off are commands whose event the quarterback sends back when the time
 * is up. One timer per key however often it is asked for; all cleared when the pod ends.
 */
export class Timers {
  private readonly armed = new Map<string, NodeJS.Timeout>();

  /** Call `fire` once after `seconds`, unless `key` is armed already or clear() comes first. */
  arm(key: string, seconds: number, fire: () => void): void {
    if (this.armed.has(key)) return;
    this.armed.set(key, setTimeout(() => {
      this.armed.delete(key);
      fire();
    }, seconds * 1000));
  }

  clear(): void {
    for (const t of this.armed.values()) clearTimeout(t);
    this.armed.clear();
  }
}
