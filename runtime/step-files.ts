/**
 * Data passing by files, for one container: its inputs directory filled before it
 * starts (one file per input, plus the engine's `results`, `window` and `previous` as
 * JSON), its result.json and declared outputs collected after it exits. Failures are
 * StepFileErrors whose message is the step's error, a plain sentence. Every file a step
 * wrote is read as a regular file, never through a link (output-files.ts).
 *
 * The small things (directories, JSON data files, result.json) are done synchronously:
 * they live on the pod's RAM disk and take microseconds, and doing them in the same tick
 * as a container's exit is what lets the next container start at once. Copies of input
 * and output files, which may be large, are asynchronous.
 */
import { DEFAULT_LIMITS } from '../src/flow/limits.ts';
import { closeSync, existsSync, fstatSync, mkdirSync, readSync, rmSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { JsonValue } from '../src/flow/types.ts';
import { jsonTooDeep, MAX_DATA_DEPTH, tooDeepText } from '../src/logic/json-nesting.ts';
import { jsonTextProblems } from '../src/logic/lossy-numbers.ts';
import type { InputRef, StartCommand } from '../src/engine/types.ts';
import { checkOutputsDir, openRegularSync, StepFileError } from './output-files.ts';
import { copyEntry } from './copy-tree.ts';
import { mkdirHere, mkdirsBelowSync, writeFileHere } from './no-follow-writes.ts';
import { legacyStepSegments, stepSegments } from './step-file-name.ts';

export interface StepDirs {
  inputs: string;
  outputs: string;
}

/** Where an output lives in the artifact store: <artifactsDir>/<runId>/<stepId>/<output>, each segment of the step id bounded (step-file-name.ts). */
export function artifactPath(artifactsDir: string, runId: string, step: string, output?: string): string {
  // Step ids and output names never hold `.`/`..` segments or separators; refuse any that
  // would, so no reference reaches outside the run's artifacts.
  const parts = [runId, ...stepSegments(step), ...(output ? [output] : [])];
  if (parts.some((p) => p === '' || p === '.' || p === '..' || p.includes('\\'))) throw new StepFileError(`"${step}${output ? `:${output}` : ''}" is not a step and output of this run`);
  return join(artifactsDir, ...parts);
}

/**
 * A step's artifacts path for reading by the API: artifactPath, or where a version before
 * the exit-handler rule (step-file-name.ts) kept an exit handler's artifacts, when only
 * that exists. Same refusals as artifactPath.
 */
export function readableArtifactPath(artifactsDir: string, runId: string, step: string): string {
  const path = artifactPath(artifactsDir, runId, step);
  if (!step.includes('/onExit') || existsSync(path)) return path;
  const legacy = join(artifactsDir, runId, ...legacyStepSegments(step));
  return existsSync(legacy) ? legacy : path;
}

/** Make a container's inputs and outputs directories (under the pod's work dir, one pair per attempt). */
export function makeStepDirs(workDir: string, step: string, attempt: number): StepDirs {
  const base = join(workDir, ...stepSegments(step), `@${attempt}`);
  const dirs = { inputs: join(base, 'inputs'), outputs: join(base, 'outputs') };
  // The pod's containers may write in workDir (an earlier attempt could leave `@2` as a
  // link): every directory on the way is made or checked without following a link, and the
  // attempt's own directory is made afresh, so all below it is strata's.
  try {
    mkdirsBelowSync(workDir, dirname(base), `step ${step}`);
  } catch (e) {
    // The work dir is made with the pod: made again only when gone (two system calls fewer a container).
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    mkdirSync(workDir, { recursive: true });
    mkdirsBelowSync(workDir, dirname(base), `step ${step}`);
  }
  try {
    mkdirSync(base);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    // Left by an earlier quarterback of this pod (restarted), or a link put there: removed
    // (rm removes a link, never what it points to), and the attempt started afresh.
    rmSync(base, { recursive: true, force: true });
    mkdirSync(base);
  }
  mkdirSync(dirs.outputs);
  mkdirSync(dirs.inputs);
  return dirs;
}

/** Write the engine's data for a step (a fan-in's `results`, a cycle's `window` and `previous`) as JSON files. */
export function writeData(dir: string, data: StartCommand['data']): void {
  for (const name of ['results', 'window', 'previous'] as const) {
    if (data[name] !== undefined) writeFileHere(join(dir, name), JSON.stringify(data[name]));
  }
}

/**
 * Copy each input into the inputs directory. `locate` names the file an input comes
 * from (the pod's own copy on its RAM disk, else the artifact store).
 */
export async function copyInputs(dir: string, inputs: Record<string, InputRef>, locate: (ref: InputRef) => string): Promise<void> {
  await Promise.all(
    Object.entries(inputs).map(async ([name, ref]) => {
      if (ref.each) return copyEach(join(dir, name), name, ref, locate);
      // An output may be a file or a directory (a directory artifact is copied whole).
      if (!(await copyEntry(locate(ref), join(dir, name), `input "${name}" (output "${ref.output}" of step ${ref.step})`))) {
        // An optional input of an output its step did not write: the step goes without it.
        if (ref.optional) return;
        throw new StepFileError(`input "${name}": step ${ref.step} has no output "${ref.output}"`);
      }
    }),
  );
}

/**
 * A fan-in over files: a directory holding each item's output named by the item's index,
 * and index.json listing them in order with their items. An item that wrote none is left out.
 */
async function copyEach(to: string, name: string, ref: InputRef, locate: (ref: InputRef) => string): Promise<void> {
  await mkdirHere(to, `input "${name}"`);
  const listed: Array<{ index: number; item: JsonValue; file: string }> = [];
  for (const e of ref.each!) {
    const file = String(e.index);
    if (await copyEntry(locate({ step: e.step, output: ref.output }), join(to, file), `input "${name}" (output "${ref.output}" of step ${e.step})`)) listed.push({ index: e.index, item: e.item, file });
  }
  writeFileHere(join(to, 'index.json'), JSON.stringify(listed));
}

/** Copy the declared outputs to `artifactDir` (an `optional` one may be missing); returns output name -> its path in the artifact store. */
export async function copyOutputs(outputsDir: string, declared: string[], artifactDir: string, optional: string[] = []): Promise<Record<string, string>> {
  const outputs: Record<string, string> = {};
  if (declared.length === 0) return outputs;
  checkOutputsDir(outputsDir);
  await mkdir(artifactDir, { recursive: true });
  await Promise.all(
    declared.map(async (name) => {
      const to = join(artifactDir, name);
      if (!(await copyEntry(join(outputsDir, name), to, `output "${name}"`))) {
        if (optional.includes(name)) return;
        throw new StepFileError(`declared output "${name}" was not written to STRATA_OUTPUTS`);
      }
      outputs[name] = to;
    }),
  );
  return outputs;
}

/**
 * Bytes a step's result.json may hold: results are kept in the run state in Redis and sent
 * with every lookup of the run, so they are small; big data belongs in an output file (an
 * artifact). A generate step's result is a Dataset, a document: it may be as large as one.
 */
export const RESULT_LIMIT_BYTES = DEFAULT_LIMITS.maxResultBytes;

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * A step's small JSON result: result.json in its outputs dir, null when it wrote none.
 * Refused with a sentence (a StepFileError): more than `limit` bytes (it is not read
 * then), text that is not UTF-8 (never repaired with replacement characters), not JSON.
 */
export function readResult(outputsDir: string, limit = RESULT_LIMIT_BYTES): JsonValue {
  // A result.json that is a link, a FIFO or a device is refused (output-files.ts).
  checkOutputsDir(outputsDir);
  const fd = openRegularSync(join(outputsDir, 'result.json'), 'result.json');
  if (fd === undefined) return null;
  let bytes: Buffer;
  try {
    const size = fstatSync(fd).size;
    if (size > limit) throw new StepFileError(resultTooLarge(size, limit));
    bytes = Buffer.alloc(size);
    let got = 0;
    while (got < size) {
      const n = readSync(fd, bytes, got, size - got, got);
      if (n === 0) break;
      got += n;
    }
    bytes = bytes.subarray(0, got);
  } finally {
    closeSync(fd);
  }
  return parseResult(bytes, limit);
}

/** result.json's bytes to its value, with the checks of readResult. */
export function parseResult(bytes: Uint8Array, limit = RESULT_LIMIT_BYTES): JsonValue {
  if (bytes.byteLength > limit) throw new StepFileError(resultTooLarge(bytes.byteLength, limit));
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    throw new StepFileError(`result.json is not valid UTF-8 text (byte ${firstBadByte(bytes)}): write the result as UTF-8 JSON`);
  }
  // Read deeper, writing it back (the run's log, Redis) would overflow the stack (json-nesting.ts).
  if (jsonTooDeep(text)) throw new StepFileError(`result.json is ${tooDeepText()}, deeper than strata reads a result (${MAX_DATA_DEPTH} levels): keep the result flatter, or write deep data to an output file (an artifact)`);
  let value: JsonValue;
  try {
    value = JSON.parse(text) as JsonValue;
  } catch (e) {
    throw new StepFileError(`result.json is not valid JSON: ${(e as Error).message}`);
  }
  // A number JSON.parse would change (1e309 to Infinity, stored as null; 20 digits rounded), or a key given twice (the last kept), fails the step, named (tester 17).
  const lost = jsonTextProblems(text, 'result.json');
  if (lost.length > 0) throw new StepFileError(lost.slice(0, 5).map((l) => `${l.path}: ${l.message}`).join('; ') + (lost.length > 5 ? `; and ${lost.length - 5} more` : ''));
  return value;
}

function resultTooLarge(size: number, limit: number): string {
  return `result.json is ${size} bytes, more than the limit of ${limit} bytes for a result (STRATA_MAX_RESULT_BYTES; a generate step's Dataset: STRATA_MAX_DATASET_RESULT_BYTES): write big data to an output file (an artifact, see outputs) and keep the result small`;
}

/** Offset of the first byte where UTF-8 decoding fails, for the error sentence. */
function firstBadByte(bytes: Uint8Array): number {
  // Decoded leniently, each bad sequence is one U+FFFD; a real U+FFFD in the text is EF BF BD.
  const text = new TextDecoder('utf-8').decode(bytes);
  let offset = 0;
  for (const ch of text) {
    if (ch === '\ufffd' && !(bytes[offset] === 0xef && bytes[offset + 1] === 0xbf && bytes[offset + 2] === 0xbd)) return offset;
    offset += Buffer.byteLength(ch);
  }
  return offset;
}
