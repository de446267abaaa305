/**
 * The environment of one container: exactly the table of DESIGN.md section 4. Pure: the
 * quarterback gathers the directories, ports and scope, this lays them out. STRATA_*
 * names are the contract's and cannot be overridden by a task's `env`.
 */
import type { JsonValue } from '../src/flow/types.ts';
import { inheritedEnv } from '../runtime/host-env.ts';
import type { Peers } from '../runtime/process/port-book.ts';

export interface ContainerEnvInput {
  /** what every container starts from (host environment; STRATA_* and the worker's configuration are dropped: runtime/host-env.ts) */
  base: Record<string, string | undefined>;
  /** the pod's name: HOSTNAME, as a pod's hostname is its name (the task's env may set another) */
  hostname?: string;
  /** the task's own `env` */
  task?: Record<string, string>;
  runId: string;
  step: string;
  /** the execution's attempt, from 1 */
  attempt: number;
  inputsDir: string;
  outputsDir: string;
  scratchDir: string;
  ipcDir: string;
  port: number;
  /** the siblings' variables (STRATA_PEER_<ID>) and host:port (port-book.ts: its list, less the container's own) */
  peers: Peers;
  params: Record<string, JsonValue>;
  item?: JsonValue;
  items?: Record<string, JsonValue>;
  round?: number;
  /** inside an exit handler: the outcome it reads */
  exit?: JsonValue;
}

/** Build a container's environment. */
export function containerEnv(i: ContainerEnvInput): Record<string, string> {
  const env = inheritedEnv(i.base);
  if (i.hostname !== undefined) env.HOSTNAME = i.hostname;
  Object.assign(env, i.task);
  env.STRATA_RUN = i.runId;
  env.STRATA_STEP = i.step;
  env.STRATA_ATTEMPT = String(i.attempt);
  env.STRATA_INPUTS = i.inputsDir;
  env.STRATA_OUTPUTS = i.outputsDir;
  env.STRATA_SCRATCH = i.scratchDir;
  env.STRATA_IPC = i.ipcDir;
  env.STRATA_PORT = String(i.port);
  env.STRATA_PARAMS = JSON.stringify(i.params);
  for (const [key, name, addr] of i.peers.list) if (key !== i.peers.skip) env[name] = addr;
  if (i.item !== undefined) env.STRATA_ITEM = JSON.stringify(i.item);
  if (i.items !== undefined) env.STRATA_ITEMS = JSON.stringify(i.items);
  if (i.round !== undefined) env.STRATA_ROUND = String(i.round);
  if (i.exit !== undefined) env.STRATA_EXIT = JSON.stringify(i.exit);
  return env;
}
