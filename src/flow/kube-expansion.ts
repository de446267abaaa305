/**
 * Kubernetes' `$(VAR)` references in a container's `command`, `args` and `env` values, as
 * the kubelet expands them (core/v1 `Container.command`, `EnvVar.value`; the rule of
 * k8s.io/kubernetes third_party/forked/golang/expansion, written anew here): `$(NAME)` is
 * NAME's value when NAME is defined, else stays as written; `$$` is one `$` (so `$$(NAME)`
 * is the text `$(NAME)`); a `$` before anything else, and a `$(` never closed, stay as
 * written. Env values are expanded in order, each from the entries defined before it;
 * command and args from the whole environment. Pure (Argo tester 8, S16).
 */

/** `text` with its `$(NAME)` references replaced by `lookup(NAME)` where that is defined, `$$` by `$`. */
export function expandKube(text: string, lookup: (name: string) => string | undefined): string {
  if (!text.includes('$')) return text;
  let out = '';
  let i = 0;
  while (i < text.length) {
    const at = text.indexOf('$', i);
    // A `$` at the very end stays as written, as the kubelet leaves it.
    if (at === -1 || at === text.length - 1) return out + text.slice(i);
    out += text.slice(i, at);
    const next = text[at + 1];
    if (next === '$') {
      out += '$';
      i = at + 2;
    } else if (next === '(') {
      const close = text.indexOf(')', at + 2);
      // Never closed: the rest stays as written.
      if (close === -1) return out + text.slice(at);
      const name = text.slice(at + 2, close);
      const value = lookup(name);
      out += value ?? `$(${name})`;
      i = close + 1;
    } else {
      out += `$${next}`;
      i = at + 2;
    }
  }
  return out;
}

/**
 * A container's env values, command and args as the kubelet runs them: each env value
 * expanded from the env entries before it (in written order), then command and args from
 * those and `more` (the variables strata adds after the task's own: STRATA_*). Pure.
 */
export function expandContainerFields(
  fields: { env?: Record<string, string>; command?: string[]; args?: string[] },
  more: Record<string, string | undefined> = {},
): { env?: Record<string, string>; command?: string[]; args?: string[] } {
  let env: Record<string, string> | undefined;
  if (fields.env) {
    env = {};
    for (const [name, value] of Object.entries(fields.env)) env[name] = expandKube(value, (n) => (Object.hasOwn(env!, n) ? env![n] : undefined));
  }
  const all: Record<string, string | undefined> = { ...env, ...more };
  const lookup = (n: string): string | undefined => (Object.hasOwn(all, n) ? all[n] : undefined);
  return {
    ...(env ? { env } : {}),
    ...(fields.command ? { command: fields.command.map((c) => expandKube(c, lookup)) } : {}),
    ...(fields.args ? { args: fields.args.map((a) => expandKube(a, lookup)) } : {}),
  };
}
