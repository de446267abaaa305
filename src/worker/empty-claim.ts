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
 * 65,000 on ext4) gets the next shared file, `.empty-<n+1>`, as does a process that has
 * made `maxLinks` links to one itself (the file system's limit by default; a test sets a
 * lower one to see the switch without 65,000 links).
 */
import { closeSync, linkSync, mkdirSync, openSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The most links a process makes to one shared empty file: ext4's limit (EXT4_LINK_MAX); a file system with a lower one (ext3: 32,000) says EMLINK first. */
export const MAX_EMPTY_LINKS = 65_000;

/** Per artifact store: which shared empty file is linked (moves on when one is full), and how many links this process made to it. */
const current = new Map<string, { n: number; made: number }>();

/**
 * Claim `finalDir` (a step's artifacts path under `artifactsDir`) with an empty file; true
 * when this call made it, false when something was there already. Synchronous: one system
 * call in the usual case. Throws what the file system says otherwise. `maxLinks`: links
 * this process makes to one shared file before it moves to the next (MAX_EMPTY_LINKS).
 */
export function claimEmpty(artifactsDir: string, finalDir: string, maxLinks = MAX_EMPTY_LINKS): boolean {
  let at = current.get(artifactsDir);
  if (!at) current.set(artifactsDir, (at = { n: 0, made: 0 }));
  for (let tries = 0; ; tries++) {
    if (at.made >= maxLinks) full(at);
    const shared = join(artifactsDir, `.empty-${at.n}`);
    try {
      linkSync(shared, finalDir);
      at.made++;
      return true;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') return false;
      if (code === 'EMLINK') full(at);
      else if (code === 'ENOENT' && tries < 3) {
        // The shared file or the run's directory is missing (a run's first step; a new store).
        mkdirSync(dirname(finalDir), { recursive: true });
        closeSync(openSync(shared, 'a'));
      } else if (code === 'EPERM' || code === 'ENOTSUP' || code === 'EOPNOTSUPP' || code === 'EXDEV' || tries >= 3) return claimOwnFile(finalDir);
      else throw e;
    }
  }
}

/** The shared file is full: the next one is linked from now on (made at its first link). */
function full(at: { n: number; made: number }): void {
  at.n++;
  at.made = 0;
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
