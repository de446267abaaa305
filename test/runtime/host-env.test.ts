/** runtime/host-env.ts: what a step inherits of the worker's environment (Argo tester 6, Q13). */
import { describe, expect, it } from 'vitest';
import { CONFIG_VARIABLES } from '../../src/app/config.ts';
import { inheritedEnv, quarterbackEnv, WORKER_ONLY_VARIABLES } from '../../runtime/host-env.ts';

describe('a step\'s inherited environment', () => {
  it('leaves out every configuration variable of strata (src/app/config.ts), STRATA_* or not', () => {
    const host = Object.fromEntries([...CONFIG_VARIABLES, 'KEPT'].map((k) => [k, 'x']));
    expect(inheritedEnv(host)).toEqual({ KEPT: 'x' });
    expect(CONFIG_VARIABLES.filter((k) => !k.startsWith('STRATA_')).sort()).toEqual([...WORKER_ONLY_VARIABLES].sort());
  });

  it('gives the quarterback the STRATA_* it reads, and no secret', () => {
    const env = quarterbackEnv({ PATH: '/bin', STRATA_HOME: '/h', STRATA_BWRAP: 'bwrap', STRATA_API_TOKENS: 't', STRATA_NOTIFY_SECRET: 's', REDIS_URL: 'redis://:p@h' });
    expect(env).toEqual({ PATH: '/bin', STRATA_HOME: '/h', STRATA_BWRAP: 'bwrap' });
  });
});
