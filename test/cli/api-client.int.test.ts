/**
 * STRATA_TOKEN as it reaches the command line (src/cli/api-client.ts), against a strata that
 * requires tokens, as real processes: a token read from a file or a Kubernetes Secret ends
 * with a newline, which the service's own STRATA_API_TOKENS reading trims; the command trims
 * it too, where it had failed with "internal error: Invalid character in header content"
 * (exit 1). A token with a space or a control character inside is no token (the service
 * takes one word): refused naming the variable, never echoing it, exit 2 (tester 14).
 */
import { describe, expect, it } from 'vitest';
import { runStrata } from '../support/processes.ts';
import { useRunService } from '../support/use-run-service.ts';

const TOKEN = 'a-bearer-token-of-some-length';
const svc = useRunService({ STRATA_API_TOKENS: TOKEN });

describe('STRATA_TOKEN', () => {
  it.each([[`${TOKEN}\n`], [`${TOKEN}\r\n`], [`  ${TOKEN}  `], [`\t${TOKEN}`]])('%j is the token, trimmed as the service trims its own', async (given) => {
    const r = await runStrata(['runs', 'list'], { STRATA_URL: svc.url, STRATA_TOKEN: given });
    expect([r.code, r.stderr, r.stdout]).toEqual([0, '', 'no runs\n']);
  });

  it.each([[`${TOKEN.slice(0, 8)} ${TOKEN.slice(8)}`], [`${TOKEN.slice(0, 8)}\n${TOKEN.slice(8)}`], [`${TOKEN.slice(0, 8)}\u0007${TOKEN.slice(8)}`]])('%j is refused naming STRATA_TOKEN, not echoed, exit 2', async (given) => {
    const r = await runStrata(['runs', 'list'], { STRATA_URL: svc.url, STRATA_TOKEN: given });
    expect(r.stderr).toBe('strata: STRATA_TOKEN holds a space or a control character inside it: a bearer token is one word (as each of STRATA_API_TOKENS); the value is not shown\n');
    expect(r.code).toBe(2);
  });

  it('with STRATA_URL set empty, is sent to 127.0.0.1:PORT as when it is unset (tester 14: "cannot reach strata at  (not a URL)")', async () => {
    const r = await runStrata(['runs', 'list'], { STRATA_URL: '', PORT: new URL(svc.url).port, STRATA_TOKEN: TOKEN });
    expect([r.code, r.stderr, r.stdout]).toEqual([0, '', 'no runs\n']);
  });

  // A character past Latin-1 cannot be sent in a header at all: it ended the command as 'internal error: Invalid character in header content' (exit 1).
  it.each([[`${TOKEN.slice(0, 8)}\u20ac${TOKEN.slice(8)}`], [`${TOKEN}\u{1F511}`]])('%j, a character no header can carry, is refused naming STRATA_TOKEN, not echoed, exit 2', async (given) => {
    const r = await runStrata(['runs', 'list'], { STRATA_URL: svc.url, STRATA_TOKEN: given });
    expect([r.code, r.stderr]).toEqual([2, 'strata: STRATA_TOKEN holds a character no HTTP header can carry (a bearer token is visible ASCII, as each of STRATA_API_TOKENS); the value is not shown\n']);
  });

  it('a wrong token is still the service\'s refusal, exit 6', async () => {
    const r = await runStrata(['runs', 'list'], { STRATA_URL: svc.url, STRATA_TOKEN: 'not-the-token-at-all' });
    expect([r.code, r.stderr]).toEqual([6, 'strata: a valid bearer token is required (Authorization: Bearer <token>)\n']);
  });
});
