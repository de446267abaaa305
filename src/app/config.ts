/**
 * Configuration from the environment (DESIGN.md section 5), validated at start with one
 * zod schema: a bad value stops the process with a sentence naming the variable and what
 * it accepts (`STRATA_LOCK_MS must be a whole number of milliseconds from 1000 to
 * 86400000, not "abc"`), never a NaN carried into the run side.
 */
import { statSync, statfsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { DEFAULT_PARAMS_LIMITS, type ParamsLimits } from '../flow/params-limits.ts';
import { DEFAULT_LIMITS, LIMIT_VARIABLES, type Limits } from '../flow/limits.ts';
import { z } from 'zod';
import { BUILTIN_IMAGES, readMapFile, type ImageMap } from '../../runtime/image-map.ts';
import { quantityValue } from '../../runtime/kubernetes/quantity.ts';
import { DEFAULT_ERROR_TRIES, DEFAULT_POLL_MS } from '../../runtime/kubernetes/operator/defaults.ts';
import { parseTokens } from '../api/auth.ts';
import { normalOrigin } from '../api/origin-guard.ts';
import { StrataError } from '../errors/strata-error.ts';
import { parseDuration } from './duration.ts';
import { msRange, mustBe, rangeWords, wholeNumber, type WholeRange } from './whole-number.ts';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export interface Config {
  port: number;
  host: string;
  redisUrl: string | undefined;
  home: string;
  /** `noop` runs nothing (benchmarks) */
  runtime: 'local' | 'kubernetes' | 'noop';
  tokens: string[];
  maxBodyBytes: number;
  workerConcurrency: number;
  prefix: string;
  /** BullMQ lock of a running step job: a killed worker's job runs again after this */
  lockDurationMs: number;
  /** directories file:// cycle sources may be read from (STRATA_FILE_ROOTS, ':'-separated); unset: any */
  fileRoots: string[] | undefined;
  /** the local runtime's image map file (STRATA_IMAGE_MAP) */
  imageMap: string | undefined;
  /** the image map itself, read and checked at start: built-ins, STRATA_HOME/images.json, STRATA_IMAGE_MAP */
  images: ImageMap;
  stalledIntervalMs: number;
  /** finished runs, their events, logs and artifacts are deleted this long after they end; 0 keeps them */
  retentionMs: number;
  /** where `strata worker` serves /metrics; undefined: not served */
  metricsPort: number | undefined;
  logLevel: (typeof LOG_LEVELS)[number];
  /** key of the HMAC-SHA256 signature on onEnd notifications; undefined: unsigned */
  notifySecret: string | undefined;
  /** a request's Redis command gives up after this: the request is answered 503 (docs/api-safety.md) */
  redisTimeoutMs: number;
  /** bytes of a YAML request body: YAML parses far slower than JSON */
  maxYamlBytes: number;
  /** bounds on a flow's, a run's or a use's parameters (src/flow/params-limits.ts) */
  paramsLimits: ParamsLimits;
  /** size limits of documents, plans, runs and results (src/flow/limits.ts; STRATA_MAX_DOCUMENT_NODES and the others of LIMIT_VARIABLES) */
  limits: Limits;
  /** origins whose web pages may call the API (CORS); none by default */
  allowedOrigins: string[];
  /** worker threads that parse and plan documents; undefined: 2, or half the cores */
  apiThreads: number | undefined;
  /** a request's parsing and planning is stopped after this */
  apiTaskMs: number;
  /** heap of one such thread in MB */
  apiTaskMb: number;
  /** how long after a change to a run a coordinator takes it up, should the process carrying it on have died (ms) */
  syncGraceMs: number;
  /** steps started per slice when one log entry (a big fan-out's start) is folded in slices, the thread let go between (sync.ts) */
  foldSliceSteps: number;
  /** `strata operator`: how often it looks at a Dataset's run (ms) */
  operatorPollMs: number;
  /** `strata operator`: how many times a reconcile failing with a bug of strata's is tried before phase Error (runtime/kubernetes/operator/reconcile-failure.ts) */
  operatorErrorTries: number;
}

/** A whole number within `r` written in digits (wholeNumber, as the CLI's client reads its own); every refusal the one sentence rangeWords says. */
const whole = (r: WholeRange): z.ZodType => z.string().transform((text, ctx) => {
  const n = wholeNumber(text, r);
  if (n === undefined) {
    ctx.addIssue({ code: 'custom', message: rangeWords(r) });
    return z.NEVER;
  }
  return n;
});
/** A whole number from `min` to `max`: `what` it counts (`a whole number of steps`). */
const int = (what: string, min: number, max: number): z.ZodType => whole({ what, min, max });

const duration = z.string().trim().transform((s, ctx) => {
  const ms = parseDuration(s);
  if (ms === undefined) {
    ctx.addIssue({ code: 'custom', message: 'a duration like 7d, 12h, 30m, 90s or 0 (keep forever)' });
    return z.NEVER;
  }
  return ms;
});

/**
 * The shortest API token accepted: 16 characters. A token is the only thing between the
 * network and every route; 16 random characters (hex: 64 bits) cannot be guessed over HTTP.
 */
export const MIN_TOKEN_LENGTH = 16;

/** A readable image map file (runtime/image-map.ts), read and checked as the local runtime will use it. */
const imageMapFile = z.string().transform((path, ctx) => {
  try {
    return { path, map: readMapFile(path, true) };
  } catch (e) {
    ctx.addIssue({ code: 'custom', message: `a JSON file mapping images to commands ({ "image": ["command", "arg", ...] }): ${(e as Error).message}` });
    return z.NEVER;
  }
});

/** `:`-separated directories that exist (a root that does not is a typo that would refuse every file). */
const directories = z.string().transform((list, ctx) => {
  const dirs = list.split(':').filter(Boolean).map((p) => resolve(p));
  const bad = dirs.find((d) => !statSync(d, { throwIfNoEntry: false })?.isDirectory());
  if (bad !== undefined) {
    ctx.addIssue({ code: 'custom', message: `":"-separated existing directories ("${bad}" is not one)` });
    return z.NEVER;
  }
  return dirs;
});

/** STRATA_API_TOKENS: comma-separated tokens, each long enough not to be guessed (a value is never echoed). */
const tokens = z.string().transform((value, ctx) => {
  const list = parseTokens(value);
  const short = list.findIndex((t) => t.length < MIN_TOKEN_LENGTH);
  if (short >= 0) {
    ctx.addIssue({ code: 'custom', message: `comma-separated tokens of at least ${MIN_TOKEN_LENGTH} characters each (token ${short + 1} has ${list[short].length}; make them with \`openssl rand -hex 24\`)` });
    return z.NEVER;
  }
  return list;
});

/** A Kubernetes name: a DNS label (RFC 1123), or with dots a DNS subdomain. */
const dnsName = (subdomain: boolean) =>
  z.string().regex(subdomain ? /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/ : /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/, subdomain ? 'a Kubernetes name (lower-case letters, digits, "-" and ".")' : 'a Kubernetes name (up to 63 lower-case letters, digits and "-")');

/** A value as a refusal may quote it: secrets are never echoed, a URL's password is hidden. */
const hidden = () => undefined;
/** `url` with its user and password (`redis://user:pass@host`) shown as `…`: the form any message or log line prints a Redis URL in. */
export const withoutPassword = (url: string): string => url.replace(/\/\/[^@/]*@/, '//…@');

/**
 * Each size limit's variable (src/flow/limits.ts LIMIT_VARIABLES), defaulting to the safe
 * value. The upper bounds keep a typo from lifting a limit past what one process can do:
 * nesting stays far below a stack overflow of the recursive walks, counts below what fits
 * in a heap, bytes at or below Redis' 512 MB string.
 */
const LIMIT_RANGES: Record<keyof typeof LIMIT_VARIABLES, [what: string, max: number]> = {
  maxDepth: ['a whole number of levels', 256],
  maxNodes: ['a whole number of nodes', 100_000_000],
  maxSteps: ['a whole number of steps', 100_000_000],
  maxUnitDepth: ['a whole number of levels', 100],
  maxFanOutItems: ['a whole number of items', 100_000_000],
  maxTextNesting: ['a whole number of levels', 1024],
  maxResultBytes: ['a size in bytes', 512 * 1024 * 1024],
  maxCompositeResultBytes: ['a size in bytes', 512 * 1024 * 1024],
  maxDatasetResultBytes: ['a size in bytes', 512 * 1024 * 1024],
  maxTreeNodes: ['a whole number of nodes', 100_000_000],
  maxTreeDepth: ['a whole number of levels', 1024],
  maxLogBytes: ['a size in bytes', 1024 * 1024 * 1024],
};

function limitVariables(): Record<string, { schema: z.ZodType; default: string }> {
  return Object.fromEntries(Object.entries(LIMIT_VARIABLES).map(([key, name]) => {
    const [what, max] = LIMIT_RANGES[key as keyof typeof LIMIT_VARIABLES];
    return [name, { schema: int(what, 1, max), default: String(DEFAULT_LIMITS[key as keyof typeof LIMIT_VARIABLES]) }];
  }));
}

/** One entry per variable: its schema (over the raw text), its default text, and how a refusal quotes it (`show`; as given when absent). */
const VARIABLES: Record<string, { schema: z.ZodType; default: string | undefined; show?: (text: string) => string | undefined }> = {
  PORT: { schema: int('a port number', 0, 65535), default: '8080' },
  HOST: { schema: z.string().min(1, 'a host name or address'), default: '0.0.0.0' },
  REDIS_URL: { schema: z.string().regex(/^rediss?:\/\/\S+$/, 'a redis:// or rediss:// URL'), default: undefined, show: withoutPassword },
  STRATA_HOME: { schema: z.string().min(1, 'a directory'), default: '.strata' },
  STRATA_RUNTIME: { schema: z.enum(['local', 'kubernetes', 'noop'], 'local or kubernetes'), default: 'local' },
  STRATA_API_TOKENS: { schema: tokens, default: undefined, show: hidden },
  STRATA_MAX_BODY_BYTES: { schema: int('a size in bytes', 1, 1024 ** 3), default: String(32 * 1024 * 1024) },
  STRATA_MAX_PARAMS_BYTES: { schema: int('a size in bytes', 1, 1024 ** 3), default: String(DEFAULT_PARAMS_LIMITS.maxBytes) },
  STRATA_MAX_PARAMS_KEYS: { schema: int('a whole number of keys', 1, 100_000_000), default: String(DEFAULT_PARAMS_LIMITS.maxKeys) },
  ...limitVariables(),
  STRATA_WORKER_CONCURRENCY: { schema: int('a whole number of parallel steps', 1, 1000), default: '4' },
  STRATA_PREFIX: { schema: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, 'a Redis key prefix of letters, digits, "_", "." and "-"'), default: 'strata' },
  STRATA_LOCK_MS: { schema: whole(msRange(1000)), default: '30000' },
  STRATA_STALLED_MS: { schema: whole(msRange(100)), default: '15000' },
  STRATA_FILE_ROOTS: { schema: directories, default: undefined },
  STRATA_IMAGE_MAP: { schema: imageMapFile, default: undefined },
  STRATA_RETENTION: { schema: duration, default: '7d' },
  STRATA_METRICS_PORT: { schema: int('a port number', 0, 65535), default: undefined },
  STRATA_LOG_LEVEL: { schema: z.enum(LOG_LEVELS, LOG_LEVELS.join(', ')), default: 'info' },
  STRATA_NOTIFY_SECRET: { schema: z.string().min(16, 'a secret of at least 16 characters'), default: undefined, show: hidden },
  STRATA_REDIS_TIMEOUT_MS: { schema: int('a whole number of milliseconds', 100, 600_000), default: '5000' },
  STRATA_MAX_YAML_BYTES: { schema: int('a size in bytes', 1, 1024 ** 3), default: String(4 * 1024 * 1024) },
  STRATA_ALLOWED_ORIGINS: { schema: z.string().transform((s, ctx) => origins(s, ctx)), default: '' },
  STRATA_API_THREADS: { schema: int('a whole number of threads', 1, 256), default: undefined },
  STRATA_API_TASK_MS: { schema: whole(msRange(100)), default: '60000' },
  STRATA_API_TASK_MB: { schema: int('a size in MB', 64, 1024 * 1024), default: '2048' },
  // The kubernetes runtime and the operator (runtime/kubernetes/from-env.ts reads them; docs/kubernetes.md).
  STRATA_NAMESPACE: { schema: dnsName(false), default: undefined },
  STRATA_POD_RETENTION: { schema: z.enum(['delete', 'keep-failed', 'keep'], 'delete, keep-failed or keep'), default: undefined },
  STRATA_IMAGE_PULL_POLICY: { schema: z.enum(['Always', 'IfNotPresent', 'Never'], 'Always, IfNotPresent or Never'), default: undefined },
  STRATA_IMAGE_PULL_SECRETS: { schema: z.string().regex(/^\s*[a-z0-9][-a-z0-9.]*(\s*,\s*[a-z0-9][-a-z0-9.]*)*\s*$/, 'comma-separated Secret names'), default: undefined },
  STRATA_QUARTERBACK_IMAGE: { schema: z.string().regex(/^[^\s]+$/, 'an image reference'), default: undefined },
  STRATA_SHARED_DIR: { schema: z.string().min(1, 'a directory'), default: undefined },
  STRATA_SHARED_CLAIM: { schema: dnsName(true), default: undefined },
  STRATA_OWNER_DEPLOYMENT: { schema: dnsName(true), default: undefined },
  STRATA_STEP_SERVICE_ACCOUNT: { schema: dnsName(true), default: undefined },
  STRATA_SCRATCH_SIZE: { schema: z.string().refine((q) => quantityValue(q) > 0, 'a Kubernetes quantity like 256Mi or 1Gi'), default: undefined },
  STRATA_SYNC_GRACE_MS: { schema: int('a whole number of milliseconds', 10, 3_600_000), default: '5000' },
  STRATA_FOLD_SLICE_STEPS: { schema: int('a whole number of steps', 1, 1_000_000), default: '1000' },
  STRATA_OPERATOR_POLL_MS: { schema: whole(msRange(100)), default: String(DEFAULT_POLL_MS) },
  STRATA_OPERATOR_ERROR_TRIES: { schema: int('a whole number of tries', 1, 1000), default: String(DEFAULT_ERROR_TRIES) },
};

/**
 * Number variables `names` read and checked as loadConfig reads them (unset or empty: the
 * default), for a command that needs only these; throws `invalid_config` naming each bad value.
 */
function readNumbers<N extends string>(names: readonly N[], env: NodeJS.ProcessEnv): Record<N, number> {
  const values = {} as Record<N, number>;
  const problems: string[] = [];
  for (const name of names) {
    const text = env[name] === '' ? undefined : env[name];
    const r = VARIABLES[name].schema.safeParse(text ?? VARIABLES[name].default);
    if (r.success) values[name] = r.data as number;
    else problems.push(mustBe(name, r.error.issues[0].message, text));
  }
  if (problems.length > 0) throw new StrataError('invalid_config', problems.join('; '), { problems: problems.map((message) => ({ path: message.split(' ')[0], message })) });
  return values;
}

/** STRATA_MAX_BODY_BYTES (bytes of an HTTP body, and of a file the CLI reads); a StrataError `invalid_config` naming it when it is not a size. */
export function maxBodyBytes(env: NodeJS.ProcessEnv = process.env): number {
  return readNumbers(['STRATA_MAX_BODY_BYTES'], env).STRATA_MAX_BODY_BYTES;
}

/** The size limits set by the environment (STRATA_MAX_DOCUMENT_NODES, ...), for commands that need only them (`strata plan`); throws as loadConfig does. */
export function loadLimits(env: NodeJS.ProcessEnv = process.env): Limits {
  const values = readNumbers(Object.values(LIMIT_VARIABLES), env);
  return { ...DEFAULT_LIMITS, ...Object.fromEntries(Object.entries(LIMIT_VARIABLES).map(([key, name]) => [key, values[name]])) };
}

/**
 * The parameter limits set by the environment (STRATA_MAX_PARAMS_KEYS, STRATA_MAX_PARAMS_BYTES;
 * nesting: STRATA_MAX_TEXT_NESTING), for the commands that check documents themselves (`strata
 * plan`, `apply`, `runs submit` of an Argo file), as the service's config reads them; throws
 * `invalid_config` naming each bad value, as loadLimits does.
 */
export function loadParamsLimits(env: NodeJS.ProcessEnv = process.env): ParamsLimits {
  const { STRATA_MAX_PARAMS_KEYS: maxKeys, STRATA_MAX_PARAMS_BYTES: maxBytes } = readNumbers(['STRATA_MAX_PARAMS_KEYS', 'STRATA_MAX_PARAMS_BYTES'], env);
  return { maxKeys, maxBytes, maxNesting: loadLimits(env).maxTextNesting };
}

/** STRATA_ALLOWED_ORIGINS: comma-separated origins as browsers send them (`scheme://host[:port]`). */
function origins(value: string, ctx: z.RefinementCtx): string[] {
  const list = value.split(',').map((o) => o.trim().replace(/\/$/, '')).filter(Boolean);
  const bad = list.find((o) => normalOrigin(o) !== o);
  if (bad !== undefined) {
    ctx.addIssue({ code: 'custom', message: `comma-separated origins like https://example.com or http://localhost:3000 ("${bad}" is not one)` });
    return z.NEVER;
  }
  return list;
}

interface Raw {
  PORT: number; HOST: string; REDIS_URL?: string; STRATA_HOME: string; STRATA_RUNTIME: Config['runtime']; STRATA_API_TOKENS?: string[];
  STRATA_MAX_BODY_BYTES: number; STRATA_WORKER_CONCURRENCY: number; STRATA_PREFIX: string; STRATA_LOCK_MS: number; STRATA_STALLED_MS: number; STRATA_SYNC_GRACE_MS: number; STRATA_FOLD_SLICE_STEPS: number;
  STRATA_OPERATOR_POLL_MS: number; STRATA_OPERATOR_ERROR_TRIES: number;
  STRATA_FILE_ROOTS?: string[]; STRATA_IMAGE_MAP?: { path: string; map: ImageMap }; STRATA_RETENTION: number; STRATA_METRICS_PORT?: number; STRATA_LOG_LEVEL: Config['logLevel'];
  STRATA_NOTIFY_SECRET?: string; STRATA_REDIS_TIMEOUT_MS: number; STRATA_MAX_YAML_BYTES: number; STRATA_ALLOWED_ORIGINS?: string[];
  STRATA_API_THREADS?: number; STRATA_API_TASK_MS: number; STRATA_API_TASK_MB: number; STRATA_MAX_PARAMS_BYTES: number; STRATA_MAX_PARAMS_KEYS: number;
}

/** The kernel's file systems no directory can be made in, by statfs type. */
const VIRTUAL_FS: Record<number, string> = { 0x9fa0: 'a procfs (/proc)', 0x62656572: 'a sysfs (/sys)' };

/**
 * The virtual file system `dir` (or its nearest ancestor that exists) is on, or undefined:
 * Node's recursive mkdir of a missing directory there loops for ever (procfs answers ENOENT
 * and its parent exists), so a STRATA_HOME under /proc hung every process at start, deaf to
 * SIGTERM (tester 17). Reads only.
 */
function virtualFileSystem(dir: string): string | undefined {
  for (let d = dir; ; d = dirname(d)) {
    try {
      return VIRTUAL_FS[statfsSync(d).type];
    } catch {
      if (dirname(d) === d) return undefined;
    }
  }
}

/** Read and check every variable; throws one StrataError naming each bad one. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const raw: Record<string, unknown> = {};
  const problems: Array<{ path: string; message: string }> = [];
  for (const [name, v] of Object.entries(VARIABLES)) {
    // Set empty is unset: the default (it had been no value at all, past every default).
    const text = (env[name] === '' ? undefined : env[name]) ?? v.default;
    if (text === undefined) continue;
    const r = v.schema.safeParse(text);
    if (r.success) raw[name] = r.data;
    else {
      const shown = v.show ? v.show(text) : text;
      // A long value is echoed by its head and length (`9999…(400 characters)`), as a document's are.
      problems.push({ path: name, message: mustBe(name, r.error.issues[0].message, shown) });
    }
  }
  const r = raw as unknown as Raw;
  // The home's own image map is configuration too: checked now, not when the first step needs it.
  let homeImages: ImageMap = {};
  const virtual = r.STRATA_HOME !== undefined ? virtualFileSystem(resolve(r.STRATA_HOME)) : undefined;
  if (virtual) problems.push({ path: 'STRATA_HOME', message: `STRATA_HOME must be a directory strata can make and write, not "${r.STRATA_HOME}" (it is under ${virtual}, where none can be made)` });
  else if (r.STRATA_HOME !== undefined) {
    try {
      homeImages = readMapFile(join(r.STRATA_HOME, 'images.json'), false);
    } catch (e) {
      problems.push({ path: 'STRATA_HOME', message: `${(e as Error).message} (the image map of STRATA_HOME: fix or remove it)` });
    }
  }
  if (problems.length > 0) throw new StrataError('invalid_config', problems.map((p) => p.message).join('; '), { problems });
  const tokens = r.STRATA_API_TOKENS ?? [];
  return {
    port: r.PORT!,
    // Without tokens the API is open, so it listens on loopback only.
    host: tokens.length > 0 ? r.HOST! : '127.0.0.1',
    redisUrl: r.REDIS_URL,
    home: resolve(r.STRATA_HOME!),
    runtime: r.STRATA_RUNTIME!,
    tokens,
    maxBodyBytes: r.STRATA_MAX_BODY_BYTES!,
    workerConcurrency: r.STRATA_WORKER_CONCURRENCY!,
    prefix: r.STRATA_PREFIX!,
    lockDurationMs: r.STRATA_LOCK_MS!,
    imageMap: r.STRATA_IMAGE_MAP?.path,
    images: { ...BUILTIN_IMAGES, ...homeImages, ...r.STRATA_IMAGE_MAP?.map },
    fileRoots: r.STRATA_FILE_ROOTS && r.STRATA_FILE_ROOTS.length > 0 ? r.STRATA_FILE_ROOTS : undefined,
    stalledIntervalMs: r.STRATA_STALLED_MS!,
    retentionMs: r.STRATA_RETENTION!,
    metricsPort: r.STRATA_METRICS_PORT,
    logLevel: r.STRATA_LOG_LEVEL!,
    notifySecret: r.STRATA_NOTIFY_SECRET,
    redisTimeoutMs: r.STRATA_REDIS_TIMEOUT_MS!,
    maxYamlBytes: r.STRATA_MAX_YAML_BYTES!,
    paramsLimits: { maxBytes: r.STRATA_MAX_PARAMS_BYTES!, maxKeys: r.STRATA_MAX_PARAMS_KEYS!, maxNesting: raw[LIMIT_VARIABLES.maxTextNesting] as number },
    limits: { ...DEFAULT_LIMITS, ...Object.fromEntries(Object.entries(LIMIT_VARIABLES).map(([key, name]) => [key, raw[name] as number])) },
    allowedOrigins: r.STRATA_ALLOWED_ORIGINS ?? [],
    apiThreads: r.STRATA_API_THREADS,
    apiTaskMs: r.STRATA_API_TASK_MS!,
    apiTaskMb: r.STRATA_API_TASK_MB!,
    syncGraceMs: r.STRATA_SYNC_GRACE_MS!,
    foldSliceSteps: r.STRATA_FOLD_SLICE_STEPS!,
    operatorPollMs: r.STRATA_OPERATOR_POLL_MS,
    operatorErrorTries: r.STRATA_OPERATOR_ERROR_TRIES,
  };
}

/** The variables and what each accepts, for the README and `strata --help`. */
export const CONFIG_VARIABLES: readonly string[] = Object.keys(VARIABLES);
