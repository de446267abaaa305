/**
 * The stand-in cluster in process mode: its kubelet runs every container as a real
 * process on this machine in a mount namespace of its own (bubblewrap: the host's files
 * read-only as its image, an empty /tmp, each volume at its mount path;
 * test/support/fake-kube-api/kubelet-process.ts), the quarterback image as the real
 * Kubernetes quarterback (sidecar/entrypoint/kube-bin.js, or its build in dist/)
 * and the init container's copy of the real gate entrypoint. The shared volume's claim is
 * a temp directory mounted at the same path.
 */
import { copyFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { builtBundle } from '../../../../runtime/built-copy.ts';
import { fakeCluster, NS, type FakeCluster } from './fake-cluster.ts';
import { ENTRYPOINT } from './slot-processes.ts';

export const REPO = fileURLToPath(new URL('../../../../', import.meta.url));
export const QUARTERBACK_IMAGE = 'strata/quarterback:test';
export const SHARED_CLAIM = 'strata-shared';

/**
 * The quarterback image's program: sidecar/entrypoint/kube-bin.js (tsx), or, when dist/ is
 * fresh (runtime/built-copy.ts), the compiled kube-main.js's bundle (dist/bundle/
 * kube-quarterback.js; the compiled module when the build made none): the same code,
 * without compiling, or resolving and reading apart, the client's and strata's modules
 * again in each pod (1.2 s of CPU a pod compiled, 0.4 s bundled). The bundle is run as the
 * image has it (deploy/docker/quarterback.Dockerfile): copied alone into a directory with
 * nothing beside it, so a pod that needed a file or package next to it would fail here.
 */
const quarterbackMain = builtBundle(new URL('sidecar/entrypoint/kube-main.ts', pathToFileURL(REPO)), 'kube-quarterback');
const bundled = quarterbackMain.href.endsWith('/dist/bundle/kube-quarterback.js');

async function quarterbackCommand(root: string): Promise<string[]> {
  if (quarterbackMain.href.endsWith('.ts')) return [process.execPath, join(REPO, 'sidecar/entrypoint/kube-bin.js')];
  if (!bundled) return [process.execPath, fileURLToPath(quarterbackMain)];
  const app = join(root, '.quarterback-image'); // beside the pods' namespaces (root/NS/POD), as .kubeconfigs is
  await mkdir(app);
  await copyFile(quarterbackMain, join(app, 'kube-quarterback.js'));
  return [process.execPath, join(app, 'kube-quarterback.js')];
}

export async function processCluster(): Promise<FakeCluster> {
  const c = await fakeCluster();
  const root = await mkdtemp(join(tmpdir(), 'strata-node-'));
  c.api.kubelet.useProcesses({
    root,
    images: { [QUARTERBACK_IMAGE]: await quarterbackCommand(root) },
    files: { '/strata/entrypoint.sh': ENTRYPOINT },
    claims: { [SHARED_CLAIM]: c.shared },
    cwd: REPO,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp' },
    kubeconfigYaml: (token) => c.api.kubeconfigYaml(token, NS),
  });
  return {
    ...c,
    async close() {
      await c.close();
      await rm(root, { recursive: true, force: true });
    },
  };
}
