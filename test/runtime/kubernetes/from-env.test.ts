/** The kubernetes runtime's settings from STRATA_* variables and a kubeconfig file. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { kubeRuntimeOptionsFromEnv } from '../../../runtime/kubernetes/from-env.ts';

const dir = mkdtempSync(join(tmpdir(), 'strata-env-'));
const kubeconfig = join(dir, 'config');
writeFileSync(kubeconfig, `apiVersion: v1
kind: Config
current-context: c
clusters: [{ name: k, cluster: { server: "https://k8s.example:6443" } }]
users: [{ name: u, user: { token: t } }]
contexts: [{ name: c, context: { cluster: k, user: u, namespace: team-a } }]
`);
writeFileSync(join(dir, 'images.json'), JSON.stringify({ 'retail/total': ['node', 'total.mjs'] }));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('kubernetes runtime settings from the environment', () => {
  it('reads the kubeconfig and every STRATA_* setting', () => {
    const o = kubeRuntimeOptionsFromEnv({
      KUBECONFIG: kubeconfig, STRATA_HOME: '/var/lib/strata', STRATA_QUARTERBACK_IMAGE: 'q:2', STRATA_SHARED_CLAIM: 'shared',
      STRATA_POD_RETENTION: 'delete', STRATA_OWNER_DEPLOYMENT: 'strata-worker', STRATA_IMAGE_PULL_POLICY: 'IfNotPresent',
      STRATA_IMAGE_PULL_SECRETS: 'a, b', STRATA_SCRATCH_SIZE: '4Gi', STRATA_IMAGE_MAP: join(dir, 'images.json'),
    });
    expect(o.kubeConfig.getCurrentCluster()?.server).toBe('https://k8s.example:6443');
    expect(o).toMatchObject({
      namespace: 'team-a', quarterbackImage: 'q:2', sharedClaim: 'shared', sharedDir: '/var/lib/strata', retention: 'delete',
      owner: { deployment: 'strata-worker' }, imagePullPolicy: 'IfNotPresent', imagePullSecrets: ['a', 'b'], scratchSize: '4Gi',
      imageMap: { 'retail/total': ['node', 'total.mjs'] },
    });
    expect(kubeRuntimeOptionsFromEnv({ KUBECONFIG: kubeconfig, STRATA_NAMESPACE: 'other' }).namespace).toBe('other');
  });

  it('takes a variable set empty as unset, as loadConfig does (tester 14: STRATA_QUARTERBACK_IMAGE= made pods of image "", STRATA_POD_RETENTION= was refused)', () => {
    const names = ['STRATA_POD_RETENTION', 'STRATA_IMAGE_PULL_POLICY', 'STRATA_IMAGE_PULL_SECRETS', 'STRATA_QUARTERBACK_IMAGE', 'STRATA_SHARED_DIR', 'STRATA_SHARED_CLAIM', 'STRATA_OWNER_DEPLOYMENT', 'STRATA_SCRATCH_SIZE', 'STRATA_STEP_SERVICE_ACCOUNT', 'STRATA_IMAGE_MAP', 'STRATA_FILE_ROOTS', 'STRATA_NAMESPACE'];
    const { kubeConfig: _a, onError: _b, ...empty } = kubeRuntimeOptionsFromEnv({ KUBECONFIG: kubeconfig, STRATA_HOME: '/var/lib/strata', ...Object.fromEntries(names.map((n) => [n, ''])) });
    const { kubeConfig: _c, onError: _d, ...unset } = kubeRuntimeOptionsFromEnv({ KUBECONFIG: kubeconfig, STRATA_HOME: '/var/lib/strata' });
    expect(empty).toEqual(unset);
  });

  it.each([
    [{ STRATA_POD_RETENTION: 'forever' }, 'STRATA_POD_RETENTION must be one of delete, keep-failed, keep, not "forever"'],
    [{ STRATA_IMAGE_PULL_POLICY: 'Sometimes' }, 'STRATA_IMAGE_PULL_POLICY must be one of Always, IfNotPresent, Never, not "Sometimes"'],
  ])('refuses %j', (env, message) => {
    expect(() => kubeRuntimeOptionsFromEnv({ KUBECONFIG: kubeconfig, ...env })).toThrow(expect.objectContaining({ code: 'invalid_request', message }));
  });
});
