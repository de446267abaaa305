/**
 * Named output parameters (docs/flow-language.md, Outputs): after a step's program ends
 * well, each declared parameter is read from its file, trimmed text of at most 256 KiB (with
 * `text: true` the text as written less one trailing newline, as Argo's executor reads an
 * output parameter: SaveParameters, strings.TrimSuffix(output, "\n")), or its default when
 * the file was not written. A relative path is in STRATA_OUTPUTS; an
 * absolute one is in the container's private view, read where that view keeps it on this
 * machine. Files are read as outputs are: regular files only, never through a link.
 */
import { closeSync, fstatSync, readSync } from 'node:fs';
import { join } from 'node:path';
import type { JsonValue } from '../src/flow/types.ts';
import { checkOutputsDir, openRegularSync, StepFileError } from './output-files.ts';

export const PARAMETER_LIMIT_BYTES = 256 * 1024;

export interface ParameterSpec {
  path: string;
  default?: JsonValue;
  /** true: as written less one trailing newline; absent: trimmed */
  text?: boolean;
}

/**
 * The values of `specs`; `hostPathOf` maps a path of the container's view to this machine
 * (undefined when the container had no private view). Throws a StepFileError naming the
 * parameter that cannot be read.
 */
export function readParameters(outputsDir: string, specs: Record<string, ParameterSpec>, hostPathOf?: (path: string) => string | undefined): Record<string, JsonValue> {
  const out: Record<string, JsonValue> = {};
  for (const [name, spec] of Object.entries(specs)) {
    const what = `output parameter "${name}"`;
    let file: string;
    if (spec.path.startsWith('/')) {
      const host = hostPathOf?.(spec.path);
      if (host === undefined) throw new StepFileError(`${what}: ${spec.path} is not in a path this container had as its own (declare its directory in volumes)`);
      file = host;
    } else {
      checkOutputsDir(outputsDir);
      file = join(outputsDir, spec.path);
    }
    const text = readSmall(file, what);
    if (text !== undefined) out[name] = spec.text ? (text.endsWith('\n') ? text.slice(0, -1) : text) : text.trim();
    else if (spec.default !== undefined) out[name] = spec.default;
    else throw new StepFileError(`${what}: ${spec.path} was not written (give it a default to go on without it)`);
  }
  return out;
}

function readSmall(file: string, what: string): string | undefined {
  const fd = openRegularSync(file, what);
  if (fd === undefined) return undefined;
  try {
    const size = fstatSync(fd).size;
    if (size > PARAMETER_LIMIT_BYTES) throw new StepFileError(`${what} is ${size} bytes, more than the limit of ${PARAMETER_LIMIT_BYTES}: write big data to an output file (an artifact)`);
    const buf = Buffer.alloc(size);
    let got = 0;
    while (got < size) {
      const n = readSync(fd, buf, got, size - got, got);
      if (n === 0) break;
      got += n;
    }
    return buf.subarray(0, got).toString('utf8');
  } finally {
    closeSync(fd);
  }
}
