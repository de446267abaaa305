/**
 * The file protocol between the gate driver (in the quarterback) and the gate entrypoint
 * (entrypoint.sh, in every step container), written down once; README.md beside this
 * file tells the same story in prose. Everything lives on the shared `gate` volume:
 *
 *   <gate>/stop                 end of the pod: `succeeded`, `failed` or `cancelled`
 *   <gate>/slots/<slot>/boot    how many times the slot's entrypoint has started
 *   <gate>/slots/<slot>/N.run   assignment N, a shell script; its appearance is the go signal
 *   <gate>/slots/<slot>/N.started   the entrypoint began assignment N
 *   <gate>/slots/<slot>/N.cancel    the quarterback asks to stop assignment N
 *   <gate>/slots/<slot>/N.exit  `<exit code>\n<note>\n`, note `cancelled`, `interrupted` or empty
 *
 * Files appear by rename, never half-written. Only the driver writes `stop`, `N.run` and
 * `N.cancel`; only the entrypoint writes `boot`, `N.started` and `N.exit`. The entrypoint
 * is POSIX sh, so this module is the TypeScript side only; a test keeps the two in step.
 */
import { join, posix } from 'node:path';
import { markerLine } from '../../runtime/quarterback/step-marker.ts';
import { keepStdout } from '../../runtime/kubernetes/stdout-wrapper.ts';

export const GATE_FILES = {
  stop: 'stop',
  slots: 'slots',
  boot: 'boot',
  run: (n: number) => `${n}.run`,
  started: (n: number) => `${n}.started`,
  cancel: (n: number) => `${n}.cancel`,
  exit: (n: number) => `${n}.exit`,
} as const;

export type GateOutcome = 'succeeded' | 'failed' | 'cancelled';

export function slotDir(gate: string, slot: string): string {
  return join(gate, GATE_FILES.slots, slot);
}

/** Quote a word for POSIX sh: single quotes, with each `'` written as `'\''`. */
export function shQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

export interface Assignment {
  step: string;
  attempt: number;
  /** the program and its arguments; the image's own ENTRYPOINT is not known here */
  argv: string[];
  env: Record<string, string>;
  workingDir?: string;
  /** the slot's paths of its own: emptied first, so each step finds them empty (runtime/kubernetes/slot-layout.ts) */
  clear?: string[];
  /** inputs at paths: copied from the step's inputs dir (`from`) to their path (`to`) after the clearing */
  inputs?: Array<{ name: string; from: string; to: string; optional?: true }>;
  /** `result: stdout`: the file the stdout wrapper keeps the standard output in (runtime/kubernetes/stdout-wrapper.ts) */
  stdoutFile?: string;
}

/** The script the entrypoint runs for one assignment: marker, environment, paths of its own, working directory, exec (under the stdout wrapper for `result: stdout`). */
export function runScript(a: Assignment): string {
  const lines = [
    `# strata gate assignment: step ${a.step} attempt ${a.attempt}`,
    // The step marker (runtime/quarterback/step-marker.ts) first, so logs can be split by step.
    `printf '%s\\n' ${shQuote(markerLine(a.step, a.attempt))}`,
  ];
  for (const [k, v] of Object.entries(a.env)) {
    if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(k)) lines.push(`export ${k}=${shQuote(v)}`);
  }
  // Run as the step's user (who may own what the slot's last step left there), before anything else.
  for (const dir of a.clear ?? []) lines.push(`rm -rf -- ${shQuote(dir)}/* ${shQuote(dir)}/.[!.]* ${shQuote(dir)}/..?* 2>/dev/null`);
  for (const i of a.inputs ?? []) {
    const fail = `{ echo ${shQuote(`strata: input "${i.name}" could not be put at ${i.to}`)} >&2; exit 127; }`;
    const put = `mkdir -p ${shQuote(posix.dirname(i.to))} && cp -RP ${shQuote(i.from)} ${shQuote(i.to)} || ${fail}`;
    // An optional input its step did not write is not in the inputs: the step goes without it.
    lines.push(i.optional ? `if [ -e ${shQuote(i.from)} ]; then ${put}; fi` : put);
  }
  // A working directory missing from the image is made, as the container runtime makes a container's.
  if (a.workingDir) lines.push(`mkdir -p ${shQuote(a.workingDir)} 2>/dev/null; cd ${shQuote(a.workingDir)} || { echo ${shQuote(`strata: cannot enter working directory ${a.workingDir}`)} >&2; exit 127; }`);
  const argv = a.stdoutFile ? keepStdout(a.argv, a.stdoutFile) : a.argv;
  lines.push(`exec ${argv.map(shQuote).join(' ')}`);
  return lines.join('\n') + '\n';
}

export interface GateExit {
  code: number;
  note: '' | 'cancelled' | 'interrupted';
}

/** Read an `N.exit` file's text; undefined when it is not one. */
export function parseExit(text: string): GateExit | undefined {
  const [first, second = ''] = text.split('\n');
  if (!/^[0-9]+$/.test(first.trim())) return undefined;
  const note = second.trim();
  return { code: Number(first.trim()), note: note === 'cancelled' || note === 'interrupted' ? note : '' };
}
