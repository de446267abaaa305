/** A document as YAML text for reading (the `yaml` package the API parses with). */
import { stringify as toYaml } from 'yaml';

export function stringify(doc: unknown): string {
  return toYaml(doc, { lineWidth: 100 });
}
