/**
 * The slot containers of a pod as real processes: one `sh entrypoint.sh SLOT` per slot,
 * sharing a real gate directory, the way the kubelet runs them. `switcher()` plays the
 * kubelet's side of an in-place image update: the slot's process is stopped and started
 * again with the new image (seen by steps as $FAKE_IMAGE).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ImageSwitcher } from '../../../../sidecar/entrypoint/file-gate-driver.ts';
import type { SlotLayout } from '../../../../runtime/kubernetes/slot-layout.ts';

export const ENTRYPOINT = fileURLToPath(new URL('../../../../sidecar/entrypoint/entrypoint.sh', import.meta.url));

interface Slot {
  child: ChildProcess;
  exited: Promise<number | null>;
  output: string;
}

export class SlotProcesses {
  private readonly slots = new Map<string, Slot>();
  /** every image switch, in order: [slot, image] */
  readonly switches: Array<[string, string]> = [];
  /** exit code of each slot's last process */
  readonly exits = new Map<string, number | null>();

  constructor(private readonly gate: string, private readonly layout: SlotLayout) {}

  /** Install the slots' directories (the init container's job), then start every slot. */
  async startAll(): Promise<void> {
    const names = this.layout.pools.flatMap((p) => p.slots.map((s) => s.name));
    await run(['sh', ENTRYPOINT, '--install', ...names], { STRATA_GATE: this.gate });
    for (const p of this.layout.pools) for (const s of p.slots) this.start(s.name, s.image);
  }

  output(slot: string): string {
    return this.slots.get(slot)?.output ?? '';
  }

  switcher(): ImageSwitcher {
    return {
      setImage: async (slot, image) => {
        this.switches.push([slot, image]);
        const s = this.slots.get(slot)!;
        s.child.kill('SIGTERM');
        await s.exited;
        this.start(slot, image, s.output);
      },
    };
  }

  /** Resolves when every slot's process has exited (after the gate's stop). */
  async allExited(): Promise<void> {
    await Promise.all([...this.slots.values()].map((s) => s.exited));
  }

  killAll(): void {
    for (const s of this.slots.values()) if (s.child.exitCode === null) s.child.kill('SIGKILL');
  }

  private start(slot: string, image: string, output = ''): void {
    const child = spawn('sh', [ENTRYPOINT, slot], {
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', STRATA_GATE: this.gate, STRATA_GATE_POLL: '0.02', STRATA_KILL_GRACE: '2', FAKE_IMAGE: image },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const entry: Slot = { child, output, exited: new Promise((r) => child.once('close', (code) => r(code))) };
    child.stdout!.on('data', (b: Buffer) => (entry.output += b.toString()));
    child.stderr!.on('data', (b: Buffer) => (entry.output += b.toString()));
    void entry.exited.then((code) => this.exits.set(slot, code));
    this.slots.set(slot, entry);
  }
}

function run(argv: string[], env: Record<string, string>): Promise<void> {
  return new Promise((resolve, reject) => {
    const c = spawn(argv[0], argv.slice(1), { env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env }, stdio: 'inherit' });
    c.once('close', (code) => (code === 0 ? resolve() : reject(new Error(`${argv.join(' ')} exited ${code}`))));
  });
}
