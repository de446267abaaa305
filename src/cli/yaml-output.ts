/**
 * YAML of a value as `-o yaml` prints it. A module of its own so that output.ts loads it (and
 * the yaml package) only when YAML is asked for: the bundle (scripts/build.mjs) gives a
 * package imported with `import()` only its default export, so the package is imported
 * statically here and this module is what is imported lazily.
 */
import { stringify } from 'yaml';

/** `value` as YAML text, lines never folded. */
export function yamlText(value: unknown): string {
  return stringify(value, { lineWidth: 0 });
}
