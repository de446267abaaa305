/**
 * The pod's IPC directory: FIFOs named in `channels.ipc` are made before any container
 * starts, so both ends can open them in either order. Names ending in `.sock` are unix
 * sockets, which the serving program creates itself.
 */
import { execFile } from 'node:child_process';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const execFileP = promisify(execFile);

/** Make the FIFOs of `names` in `ipcDir` (Node has no mkfifo, so the mkfifo program does it). */
export async function makeFifos(ipcDir: string, names: string[]): Promise<void> {
  for (const name of names) {
    if (name.endsWith('.sock')) continue;
    if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(name)) throw new Error(`channels.ipc: "${name}" is not a plain file name`);
    const path = join(ipcDir, name);
    if (await stat(path).then(() => true, () => false)) continue;
    try {
      await execFileP('mkfifo', ['-m', '600', path]);
    } catch (e) {
      throw new Error(`channels.ipc: could not make the FIFO ${name} (${(e as Error).message.split('\n')[0]})`);
    }
  }
}
