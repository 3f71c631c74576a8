// The `expand` enum of the Computers API (SDK 50.0.810, models/expand.py) and the object keys each
// value brings into a response. Top-level scalars are always returned.

const MODULE_KEYS = [
  'antiMalware',
  'webReputation',
  'activityMonitoring',
  'firewall',
  'intrusionPrevention',
  'integrityMonitoring',
  'logInspection',
  'applicationControl',
  'SAP',
] as const;

const VM_SUMMARY_KEYS = [
  'azureARMVirtualMachineSummary',
  'azureVMVirtualMachineSummary',
  'ec2VirtualMachineSummary',
  'noConnectorVirtualMachineSummary',
  'vmwareVMVirtualMachineSummary',
  'vcloudVMVirtualMachineSummary',
  'workspaceVirtualMachineSummary',
  'gcpVirtualMachineSummary',
] as const;

export const OBJECT_KEYS = [
  'computerStatus',
  'tasks',
  'securityUpdates',
  'computerSettings',
  'interfaces',
  'ESXSummary',
  ...MODULE_KEYS,
  ...VM_SUMMARY_KEYS,
] as const;

export type ObjectKey = (typeof OBJECT_KEYS)[number];

export const EXPAND_VALUES = [
  'none',
  'all',
  'computerStatus',
  'tasks',
  'securityUpdates',
  'computerSettings',
  'allSecurityModules',
  ...MODULE_KEYS,
  'interfaces',
  'ESXSummary',
  'allVirtualMachineSummaries',
  ...VM_SUMMARY_KEYS,
] as const;

export type ExpandValue = (typeof EXPAND_VALUES)[number];

const KNOWN = new Set<string>(EXPAND_VALUES);

export function isExpandValue(value: string): value is ExpandValue {
  return KNOWN.has(value);
}

/** The object keys a set of expand values selects. No value at all means `all` (the API default). */
export function expandKeys(values: readonly string[]): Set<ObjectKey> {
  if (values.length === 0) return new Set(OBJECT_KEYS);
  const out = new Set<ObjectKey>();
  for (const v of values) {
    if (v === 'all') return new Set(OBJECT_KEYS);
    if (v === 'none') continue;
    if (v === 'allSecurityModules') MODULE_KEYS.forEach((k) => out.add(k));
    else if (v === 'allVirtualMachineSummaries') VM_SUMMARY_KEYS.forEach((k) => out.add(k));
    else out.add(v as ObjectKey);
  }
  return out;
}

export const ALL_KEYS: ReadonlySet<ObjectKey> = new Set(OBJECT_KEYS);
