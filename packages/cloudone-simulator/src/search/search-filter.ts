// SearchFilter and SearchCriteria of `POST /computers/search` (SDK 50.0.810 models/search_filter.py,
// search_criteria.py; semantics from the "Search for Resources" guide). Parsing is lenient where
// production is (booleans and numbers sent as strings) and strict where it answers 400.

export class SearchError extends Error {}

type FieldType = 'id' | 'string' | 'numeric' | 'date' | 'boolean';

const TOP_FIELDS: Record<string, FieldType> = {
  ID: 'id',
  hostName: 'string',
  displayName: 'string',
  description: 'string',
  lastIPUsed: 'string',
  platform: 'string',
  agentFingerPrint: 'string',
  applianceFingerPrint: 'string',
  agentVersion: 'string',
  hostGUID: 'string',
  biosUUID: 'string',
  groupID: 'numeric',
  policyID: 'numeric',
  assetImportanceID: 'numeric',
  relayListID: 'numeric',
  lastAgentCommunication: 'date',
  lastApplianceCommunication: 'date',
  lastSendPolicyRequest: 'date',
  lastSendPolicySuccess: 'date',
};

const NESTED_FIELDS: Record<string, Record<string, FieldType>> = {
  ec2VirtualMachineSummary: strings(
    'cloudProvider accountID operatingSystem privateIPAddress publicIPAddress availabilityZone instanceID type virtualizationType state DNSName amiID',
  ),
  azureARMVirtualMachineSummary: strings(
    'cloudProvider subscriptionID deploymentModel resourceGroup state location type operatingSystem publicIPAddress privateIPAddress cloudService deploymentID imageID instanceID securityGroup azureResourceId DNSName',
  ),
  azureVMVirtualMachineSummary: strings(
    'cloudProvider subscriptionID operatingSystem publicVirtualIPAddress privateIPAddress publicIPAddress location instanceID imageID cloudService deploymentID type state azureResourceId DNSName',
  ),
  gcpVirtualMachineSummary: {
    ...strings('cloudProvider state operatingSystem instanceID privateIPAddress publicIPAddress zone'),
    vCPUs: 'numeric',
    memory: 'numeric',
  },
  noConnectorVirtualMachineSummary: strings('accountID directoryID userName instanceID region'),
  vmwareVMVirtualMachineSummary: strings(
    'operatingSystem memory vmwareTools biosUUID state CPU IPAddress DNSName vCenterUUID',
  ),
  vcloudVMVirtualMachineSummary: strings('organizationID operatingSystem state vmUUID vAppUUID'),
  workspaceVirtualMachineSummary: strings(
    'cloudProvider accountID workspaceDirectory userName workspaceID bundleID workspaceHardware state IPAddress',
  ),
  ESXSummary: strings(
    'manufacturer model processors processorType numberOfNICs state virtualMachines vMotionEnabled',
  ),
  computerStatus: {},
};

function strings(list: string): Record<string, FieldType> {
  return Object.fromEntries(list.split(' ').map((k) => [k, 'string' as FieldType]));
}

const COMPARISONS = [
  'equal',
  'greater-than',
  'greater-than-or-equal',
  'less-than',
  'less-than-or-equal',
  'not-equal',
] as const;
type Comparison = (typeof COMPARISONS)[number];

export type Criterion =
  | { kind: 'id'; field: string; test: Comparison; value: number }
  | { kind: 'numeric'; field: string; test: Comparison; value: number }
  | { kind: 'version'; field: string; test: Comparison; value: string }
  | { kind: 'string'; field: string; equal: boolean; value: string; pattern?: RegExp }
  | { kind: 'choice'; field: string; equal: boolean; value: string }
  | { kind: 'boolean'; field: string; value: boolean }
  | {
      kind: 'date';
      field: string;
      first?: number;
      firstInclusive: boolean;
      last?: number;
      lastInclusive: boolean;
    }
  | { kind: 'null'; field: string; isNull: boolean };

export interface ParsedFilter {
  maxItems: number;
  sortByObjectID: boolean;
  criteria: Criterion[];
  /** Exclusive lower bound on ID implied by the ID criteria (so paging starts in the right place). */
  idAfter: number;
  /** Exclusive upper bound on ID implied by the ID criteria (Infinity when none). */
  idBefore: number;
  /** Whether any criterion needs more than the ID. */
  needsObject: boolean;
}

export interface FilterLimits {
  /** Largest maxItems served; larger requests are clamped (`clamp`) or refused (`error`). */
  maxItemsCap: number;
  overCap: 'clamp' | 'error';
}

function toBool(value: unknown, name: string, fallback: boolean): boolean {
  if (value === undefined || value === null) return fallback;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string' && /^(true|false)$/i.test(value.trim()))
    return value.trim().toLowerCase() === 'true';
  throw new SearchError(`Invalid value for ${name}: ${JSON.stringify(value)}`);
}

function toNumber(value: unknown, name: string): number {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isFinite(n))
    throw new SearchError(`Invalid value for ${name}: ${JSON.stringify(value)}`);
  return n;
}

function toComparison(value: unknown, name: string): Comparison {
  if (value === undefined || value === null) return 'equal';
  // Older documentation misspells it; the SDK spells it right. Accept both, as a lenient server would.
  const v = value === 'greather-than-or-equal' ? 'greater-than-or-equal' : value;
  if (typeof v !== 'string' || !(COMPARISONS as readonly string[]).includes(v)) {
    throw new SearchError(
      `Invalid value for ${name}: ${JSON.stringify(value)}. Valid values: ${COMPARISONS.join(', ')}`,
    );
  }
  return v as Comparison;
}

function fieldType(field: string): FieldType {
  const top = TOP_FIELDS[field];
  if (top) return top;
  const [parent, child, ...rest] = field.split('/');
  const nested = NESTED_FIELDS[parent];
  if (nested && child && rest.length === 0 && nested[child]) return nested[child];
  if (
    nested ||
    field === 'interfaces' ||
    field === 'computerSettings' ||
    field === 'tasks' ||
    field === 'securityUpdates'
  ) {
    throw new SearchError(`The field ${field} is not searchable.`);
  }
  throw new SearchError(`Invalid field name: ${field}`);
}

function likeToRegExp(pattern: string): RegExp {
  let re = '';
  for (const ch of pattern) {
    if (ch === '%') re += '[\\s\\S]*';
    else if (ch === '_') re += '[\\s\\S]';
    else re += ch.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

function parseCriterion(raw: unknown, index: number): Criterion {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw))
    throw new SearchError(`Invalid search criteria at index ${index}`);
  const c = raw as Record<string, unknown>;
  const fieldName = typeof c.fieldName === 'string' ? c.fieldName : undefined;
  const has = (k: string): boolean => c[k] !== undefined && c[k] !== null;
  if (has('idValue') || has('idTest')) {
    if (fieldName !== undefined && fieldName !== 'ID')
      throw new SearchError(`An ID search must not name a field (got ${fieldName}).`);
    if (!has('idValue')) throw new SearchError('idValue is required for an ID search.');
    return {
      kind: 'id',
      field: 'ID',
      test: toComparison(c.idTest, 'idTest'),
      value: toNumber(c.idValue, 'idValue'),
    };
  }
  if (!fieldName) throw new SearchError(`fieldName is required in search criteria at index ${index}.`);
  const type = fieldType(fieldName);
  if (has('nullTest'))
    return { kind: 'null', field: fieldName, isNull: toBool(c.nullTest, 'nullTest', true) };
  if (has('numericValue') || has('numericTest')) {
    if (type !== 'numeric' && type !== 'id')
      throw new SearchError(`The field ${fieldName} is not searchable as Numeric.`);
    return {
      kind: 'numeric',
      field: fieldName,
      test: toComparison(c.numericTest, 'numericTest'),
      value: toNumber(c.numericValue, 'numericValue'),
    };
  }
  if (has('stringValue') || has('stringTest')) {
    if (type !== 'string') throw new SearchError(`The field ${fieldName} is not searchable as String.`);
    const test = c.stringTest ?? 'equal';
    if (test !== 'equal' && test !== 'not-equal')
      throw new SearchError(`Invalid value for stringTest: ${JSON.stringify(test)}`);
    const value = typeof c.stringValue === 'string' ? c.stringValue : '';
    const wildcards = toBool(c.stringWildcards, 'stringWildcards', true);
    return {
      kind: 'string',
      field: fieldName,
      equal: test === 'equal',
      value,
      ...(wildcards && /[%_]/.test(value) ? { pattern: likeToRegExp(value) } : {}),
    };
  }
  if (has('choiceValue') || has('choiceTest')) {
    const test = c.choiceTest ?? 'equal';
    if (test !== 'equal' && test !== 'not-equal')
      throw new SearchError(`Invalid value for choiceTest: ${JSON.stringify(test)}`);
    return { kind: 'choice', field: fieldName, equal: test === 'equal', value: String(c.choiceValue ?? '') };
  }
  if (has('versionValue') || has('versionTest')) {
    return {
      kind: 'version',
      field: fieldName,
      test: toComparison(c.versionTest, 'versionTest'),
      value: String(c.versionValue ?? ''),
    };
  }
  if (has('booleanTest'))
    return { kind: 'boolean', field: fieldName, value: toBool(c.booleanTest, 'booleanTest', true) };
  if (has('firstDateValue') || has('lastDateValue')) {
    if (type !== 'date') throw new SearchError(`The field ${fieldName} is not searchable as Date.`);
    return {
      kind: 'date',
      field: fieldName,
      first: has('firstDateValue') ? toNumber(c.firstDateValue, 'firstDateValue') : undefined,
      firstInclusive: toBool(c.firstDateInclusive, 'firstDateInclusive', true),
      last: has('lastDateValue') ? toNumber(c.lastDateValue, 'lastDateValue') : undefined,
      lastInclusive: toBool(c.lastDateInclusive, 'lastDateInclusive', true),
    };
  }
  throw new SearchError(`Search criteria at index ${index} has no test for ${fieldName}.`);
}

/** Parses a request body (already JSON-decoded; undefined when absent) into a filter. */
export function parseSearchFilter(body: unknown, limits: FilterLimits): ParsedFilter {
  if (body !== undefined && body !== null && (typeof body !== 'object' || Array.isArray(body))) {
    throw new SearchError('The request body must be a SearchFilter object.');
  }
  const b = (body ?? {}) as Record<string, unknown>;
  let maxItems = b.maxItems === undefined || b.maxItems === null ? 5000 : toNumber(b.maxItems, 'maxItems');
  if (!Number.isInteger(maxItems) || maxItems < 0)
    throw new SearchError(`Invalid value for maxItems: ${JSON.stringify(b.maxItems)}`);
  if (maxItems > limits.maxItemsCap) {
    if (limits.overCap === 'error') throw new SearchError(`maxItems must not exceed ${limits.maxItemsCap}.`);
    maxItems = limits.maxItemsCap;
  }
  const rawCriteria = b.searchCriteria ?? [];
  const list = Array.isArray(rawCriteria) ? rawCriteria : [rawCriteria];
  const criteria = list.map(parseCriterion);
  let idAfter = 0;
  let idBefore = Infinity;
  for (const c of criteria) {
    if (c.kind !== 'id') continue;
    if (c.test === 'greater-than') idAfter = Math.max(idAfter, Math.floor(c.value));
    if (c.test === 'greater-than-or-equal' || c.test === 'equal')
      idAfter = Math.max(idAfter, Math.ceil(c.value) - 1);
    if (c.test === 'less-than') idBefore = Math.min(idBefore, Math.ceil(c.value));
    if (c.test === 'less-than-or-equal' || c.test === 'equal')
      idBefore = Math.min(idBefore, Math.floor(c.value) + 1);
  }
  return {
    maxItems,
    sortByObjectID: toBool(b.sortByObjectID, 'sortByObjectID', false),
    criteria,
    idAfter,
    idBefore,
    needsObject: criteria.some((c) => c.kind !== 'id'),
  };
}

function valueAt(obj: Record<string, unknown>, field: string): unknown {
  if (!field.includes('/')) return obj[field];
  const [parent, child] = field.split('/');
  const nested = obj[parent];
  return nested && typeof nested === 'object' ? (nested as Record<string, unknown>)[child] : undefined;
}

function compare(a: number, b: number, test: Comparison): boolean {
  switch (test) {
    case 'equal':
      return a === b;
    case 'not-equal':
      return a !== b;
    case 'greater-than':
      return a > b;
    case 'greater-than-or-equal':
      return a >= b;
    case 'less-than':
      return a < b;
    case 'less-than-or-equal':
      return a <= b;
  }
}

function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map((x) => parseInt(x, 10) || 0);
  const pb = b.split('.').map((x) => parseInt(x, 10) || 0);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** Whether an ID alone satisfies the ID criteria (cheap pre-check before building the object). */
export function matchesId(id: number, criteria: readonly Criterion[]): boolean {
  return criteria.every((c) => c.kind !== 'id' || compare(id, c.value, c.test));
}

/** SQL-like semantics: a missing (null) field matches nothing but `nullTest: true`. */
export function matches(obj: Record<string, unknown>, criteria: readonly Criterion[]): boolean {
  for (const c of criteria) {
    const v = valueAt(obj, c.field);
    const missing = v === undefined || v === null;
    if (c.kind === 'null') {
      if (missing !== c.isNull) return false;
      continue;
    }
    if (missing) return false;
    switch (c.kind) {
      case 'id':
      case 'numeric':
        if (typeof v !== 'number' || !compare(v, c.value, c.test)) return false;
        break;
      case 'version':
        if (!compare(compareVersions(String(v), c.value), 0, c.test)) return false;
        break;
      case 'string': {
        const hit = c.pattern ? c.pattern.test(String(v)) : String(v) === c.value;
        if (hit !== c.equal) return false;
        break;
      }
      case 'choice':
        if ((String(v) === c.value) !== c.equal) return false;
        break;
      case 'boolean':
        if (v !== c.value) return false;
        break;
      case 'date': {
        if (typeof v !== 'number') return false;
        if (c.first !== undefined && (c.firstInclusive ? v < c.first : v <= c.first)) return false;
        if (c.last !== undefined && (c.lastInclusive ? v > c.last : v >= c.last)) return false;
        break;
      }
    }
  }
  return true;
}
