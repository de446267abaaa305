/**
 * The claim of an execution that wrote no outputs: an empty file at the step's artifacts
 * path (`<artifacts>/<run>/<step>`), made only if nothing is there yet, so that it is
 * claimed once like a renamed outputs directory (step-files.ts).
 *
 * The file is a hard link to an empty file shared by the artifact store
 * (`<artifacts>/.empty-<n>`): `link(2)` makes a directory entry and no inode, fails with
 * EEXIST when the path is taken (by a file or a directory), and a later rename of a
 * directory onto it fails with ENOTDIR, as for a file of its own. Creating a file of its
 * own allocates an inode: on the ext4 disk of the benchmark machine 280-450 µs of kernel
 * CPU a file against 14-22 µs for a link (docs/performance.md), the largest file operation
 * of a no-op step. Nothing writes to these files (the artifact store is written once), so
 * sharing one inode is safe. A file system that refuses hard links (EPERM, ENOTSUP) gets a
 * file of its own; one that has linked the shared file as often as it allows (EMLINK:
 * 65,000 on ext4) gets the next shared file.
 */
import { closeSync, linkSync, mkdirSync, openSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** Which shared empty file is linked, per artifact store (moves on when one is full). */
const current = new Map<string, number>();

/**
 * Claim `finalDir` (a step's artifacts path under `artifactsDir`) with an empty file; true
 * when this call made it, false when something was there already. Synchronous: one system
 * call in the usual case. Throws what the file system says otherwise.
 */
export function claimEmpty(artifactsDir: string, finalDir: string): boolean {
  for (let tries = 0; ; tries++) {
    const n = current.get(artifactsDir) ?? 0;
    const shared = join(artifactsDir, `.empty-${n}`);
    try {
      linkSync(shared, finalDir);
      return true;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') return false;
      if (code === 'EMLINK') current.set(artifactsDir, n + 1);
      else if (code === 'ENOENT' && tries < 3) {
        // The shared file or the run's directory is missing (a run's first step; a new store).
        mkdirSync(dirname(finalDir), { recursive: true });
        closeSync(openSync(shared, 'a'));
      } else if (code === 'EPERM' || code === 'ENOTSUP' || code === 'EOPNOTSUPP' || code === 'EXDEV' || tries >= 3) return claimOwnFile(finalDir);
      else throw e;
    }
  }
}

function claimOwnFile(finalDir: string): boolean {
  mkdirSync(dirname(finalDir), { recursive: true });
  try {
    closeSync(openSync(finalDir, 'wx'));
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  }
}
