/**
 * Kubernetes extended resources (a device plugin's `nvidia.com/gpu`, a node's
 * `example.com/dongle`) as a task's resources take them: a name with a domain prefix, counted
 * in whole units, its request (when given) equal to its limit. The rules are Kubernetes'
 * (k8s.io/kubernetes pkg/apis/core/helper IsExtendedResourceName, and
 * pkg/apis/core/validation ValidateResourceRequirements and validateResourceQuantityValue).
 */

/** Kubernetes' own resources with a domain are under kubernetes.io (IsPrefixedNativeResource). */
const NATIVE_DOMAIN = 'kubernetes.io/';
/** A DNS-1123 subdomain (the prefix of a qualified name), at most 253 characters. */
const SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
/** The name part of a qualified name, at most 63 characters. */
const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;

/**
 * Whether `name` is an extended resource name, as Kubernetes' IsExtendedResourceName: it has a
 * domain prefix that is not kubernetes.io's, does not start with `requests.`, and
 * `requests.<name>` is a qualified name (prefix a DNS subdomain of at most 253 characters,
 * name at most 63).
 */
export function isExtendedResourceName(name: string): boolean {
  const slash = name.indexOf('/');
  if (slash < 0 || name.includes(NATIVE_DOMAIN) || name.startsWith('requests.')) return false;
  const prefix = `requests.${name.slice(0, slash)}`;
  const rest = name.slice(slash + 1);
  return prefix.length <= 253 && SUBDOMAIN.test(prefix) && rest.length <= 63 && QUALIFIED_NAME.test(rest);
}

/** Kubernetes counts an extended resource in whole units (validateResourceQuantityValue: "must be an integer"). */
export const WHOLE_UNITS = /^[0-9]+$/;

/** What a quantity of extended resource `name` breaks, or undefined when Kubernetes takes it. */
export function extendedQuantityProblem(value: string): string | undefined {
  return WHOLE_UNITS.test(value) ? undefined : `${JSON.stringify(value)} is not a whole number: Kubernetes counts an extended resource (a name with a domain, like nvidia.com/gpu) in whole units`;
}

/** The message for a resource name that is neither cpu, memory nor an extended resource. */
export const unknownResource = (name: string): string => `unknown key ${JSON.stringify(name)} (a resource is cpu, memory, or an extended resource named with a domain, like nvidia.com/gpu)`;
