/** Limits that keep one document from exhausting the service. Each has a clear error. */
export interface Limits {
  /** bytes of one document's text */
  maxBytes: number;
  /** nesting depth of flow nodes */
  maxDepth: number;
  /** flow nodes in one document, and steps in one compiled plan */
  maxNodes: number;
  /** nesting depth of `use` units and `generate` steps */
  maxUnitDepth: number;
}

export const DEFAULT_LIMITS: Limits = {
  maxBytes: 64 * 1024 * 1024,
  maxDepth: 48,
  maxNodes: 500_000,
  maxUnitDepth: 8,
};
