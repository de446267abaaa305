/**
 * Standard output as the result on Kubernetes (`task.result: stdout`, docs/kubernetes.md,
 * Private paths and standard output). The cluster keeps a container's standard output
 * only in its log, which the log API merges with standard error and the kubelet rotates,
 * so the program's standard output is kept where it is written instead: a fixed POSIX sh
 * program (STDOUT_WRAPPER, the way Argo's emissary and Tekton's entrypoint wrap a step)
 * runs the step's argv with its standard output going through `tee` to the container's
 * log as before and, through a FIFO, into a file of the step's own, of which it keeps the
 * last STDOUT_RESULT_LIMIT + 2 bytes (`tail -c`: two more, so the reader knows it was cut;
 * the rest is read and dropped, never blocking the program; an image without `tail` keeps
 * the first bytes instead). Its exit code is the program's. A program that cannot be
 * started is said first, in the local runtime's words and with a shell's codes (127 not
 * found, 126 not executable: runtime/process/process-driver.ts), where `sh` alone would say
 * `strata-stdout: 7: X: not found` (Argo tester 8, S10).
 *
 * Used by task pods (the container's command) and by the gate's run script inside a
 * micro pod. The argv and the file travel as positional parameters of `sh -c`, never in
 * the script's text: nothing is concatenated into a shell line. Needs `/bin/sh`,
 * `mkfifo`, `tee` and `tail -c` (or `head -c` or `dd`) in the image: busybox and
 * coreutils have them.
 */
import { STDOUT_RESULT_LIMIT } from '../stdout-result.ts';

/** The file the wrapper writes in the step's STRATA_OUTPUTS; output names cannot start with a dot, and it is removed once read. */
export const STDOUT_FILE = '.strata-stdout';

/** `$0` of the wrapper: what `ps` shows. */
const NAME = 'strata-stdout';

// Two more than the limit: the reader knows the output was cut even once one trailing newline is taken off.
const KEEP = STDOUT_RESULT_LIMIT + 2;

/**
 * The wrapper. Positional parameters: the file, then the program and its arguments.
 * SIGTERM or SIGINT goes to its whole process group (the program, tee, the reader): as
 * the container's first process it would otherwise ignore them. The exit code is the
 * program's, 143 when it was stopped before it could say.
 */
export const STDOUT_WRAPPER = [
  'f=$1; shift; p="$f.fifo"; s=',
  'case $1 in',
  '  */*) if [ ! -e "$1" ]; then echo "could not start \\"$1\\": command not found" >&2; exit 127; elif [ -d "$1" ] || [ ! -x "$1" ]; then echo "could not start \\"$1\\": permission denied (not executable?)" >&2; exit 126; fi ;;',
  '  *) command -v -- "$1" >/dev/null 2>&1 || { echo "could not start \\"$1\\": command not found" >&2; exit 127; } ;;',
  'esac',
  'trap \'trap "" TERM INT; s=143; kill -TERM 0 2>/dev/null\' TERM INT',
  'rm -f "$p" "$f" "$f.code"',
  'mkfifo "$p" || { echo "strata: cannot make a FIFO at $p to keep the standard output (result: stdout needs mkfifo in the image)" >&2; exit 127; }',
  `{ tail -c ${KEEP} 2>/dev/null || { head -c ${KEEP} 2>/dev/null || dd bs=1 count=${KEEP} 2>/dev/null; cat >/dev/null; }; } <"$p" >"$f" &`,
  'k=$!',
  '{ "$@"; echo $? >"$f.code"; } | tee "$p" &',
  't=$!',
  'wait $t; while kill -0 $t 2>/dev/null; do wait $t; done',
  'wait $k',
  'c=$(cat "$f.code" 2>/dev/null); rm -f "$p" "$f.code"',
  'exit "${c:-${s:-127}}"',
].join('\n');

/** The argv that runs `argv` with its standard output also kept in `file` (absolute, in the container). */
export function keepStdout(argv: string[], file: string): string[] {
  return ['/bin/sh', '-c', STDOUT_WRAPPER, NAME, file, ...argv];
}
