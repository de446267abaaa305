/**
 * RBAC as the stand-in evaluates it: namespaced Roles only (no ClusterRoles, no
 * aggregation). A rule allows a request when its apiGroups, resources (with
 * subresource, `pods/log`), verbs and, if it has them, resourceNames all match; `*`
 * matches anything. As in Kubernetes, a list or watch narrowed to one object by
 * `fieldSelector=metadata.name=X` counts as a request for X.
 */
export interface PolicyRule {
  apiGroups?: string[];
  resources?: string[];
  verbs: string[];
  resourceNames?: string[];
}

export interface RequestAttrs {
  verb: string;
  group: string;
  /** `pods`, or `pods/log` with a subresource */
  resource: string;
  name?: string;
  namespace?: string;
}

export function ruleAllows(rule: PolicyRule, a: RequestAttrs): boolean {
  const has = (list: string[] | undefined, v: string) => !!list && (list.includes('*') || list.includes(v));
  if (!has(rule.apiGroups, a.group) || !has(rule.resources, a.resource) || !has(rule.verbs, a.verb)) return false;
  if (rule.resourceNames && rule.resourceNames.length > 0) return a.name !== undefined && rule.resourceNames.includes(a.name);
  return true;
}

export function allows(rules: PolicyRule[], a: RequestAttrs): boolean {
  return rules.some((r) => ruleAllows(r, a));
}
