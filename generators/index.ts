/** The built-in generators, by name. */
import type { Generator } from '../src/rules/generator.ts';
import { hierarchy } from './hierarchy.ts';
import { partition } from './partition.ts';
import { pipeline } from './pipeline.ts';
import { stream } from './stream.ts';

export const GENERATORS: ReadonlyMap<string, Generator> = new Map([hierarchy, partition, stream, pipeline].map((g) => [g.name, g]));
export const GENERATOR_NAMES: ReadonlySet<string> = new Set(GENERATORS.keys());
