/** The built-in generators, by name. */
import type { Generator } from '../src/rules/generator.ts';
import { parameterProblems } from './parameters.ts';
import { hierarchy } from './hierarchy.ts';
import { partition } from './partition.ts';
import { pipeline } from './pipeline.ts';
import { stream } from './stream.ts';

/** Each with its parameters checked as a rule is registered (parameters.ts). */
export const GENERATORS: ReadonlyMap<string, Generator> = new Map(
  [hierarchy, partition, stream, pipeline].map((g): [string, Generator] => [g.name, { ...g, parameterProblems: (params, path) => parameterProblems(g.name, params, path) }]),
);
export const GENERATOR_NAMES: ReadonlySet<string> = new Set(GENERATORS.keys());
