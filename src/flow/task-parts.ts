/**
 * Reading the parts of a task whose short and long forms mean the same thing: an input
 * (`"step:output"` or `{ from, path }`) and outputs (a list of artifact names, or
 * `{ artifacts, parameters }`). Pure.
 */
import type { ArtifactSpec, Computed, InputSpec, OutputParameterSpec, OutputsSpec } from './types.ts';

/** The `"step:output"` reference of an input, whichever form it is written in. */
export function inputFrom(spec: InputSpec): string {
  return typeof spec === 'string' ? spec : spec.from;
}

/** The artifacts of an outputs field, in the long form. */
export function artifactsOf(outputs: OutputsSpec | undefined): ArtifactSpec[] {
  if (!outputs) return [];
  return Array.isArray(outputs) ? outputs : (outputs.artifacts ?? []);
}

/** The names of the artifacts of an outputs field. */
export function artifactNames(outputs: OutputsSpec | undefined): string[] {
  return artifactsOf(outputs).map((a) => (typeof a === 'string' ? a : a.name));
}

/** The names of the artifacts a step may end well without writing (`optional: true`). */
export function optionalArtifactNames(outputs: OutputsSpec | undefined): string[] {
  return artifactsOf(outputs).flatMap((a) => (typeof a !== 'string' && a.optional ? [a.name] : []));
}

/** The named output parameters of an outputs field. */
export function parametersOf(outputs: OutputsSpec | undefined): Record<string, OutputParameterSpec> {
  return outputs && !Array.isArray(outputs) ? (outputs.parameters ?? {}) : {};
}

/** A task's image as text for the run's records (a computed image as its expression). */
export function imageText(image: Computed): string {
  return typeof image === 'string' ? image : JSON.stringify(image);
}
