import { createAjv, findUnsafeKey } from '@connectors/framework/engine';
import { UNSAFE_KEY_HINT } from '../safe-input';
import { InputError, type FieldProblem } from './errors';
import { INPUT_SCHEMAS, type UseCase } from './schemas';

interface AjvProblem {
  instancePath: string;
  keyword: string;
  message?: string;
  params: Record<string, unknown>;
  parentSchema?: Record<string, unknown>;
}

type Check = ((data: unknown) => boolean) & { errors?: AjvProblem[] | null };

const ajv = createAjv({ verbose: true });
const checks = new Map<UseCase, Check>();

/**
 * Checks the input of a use case against its schema and the prototype-key rule; throws one
 * `InputError` listing every bad field. Never changes the input (no defaults, no coercion).
 */
export function checkInput(useCase: UseCase, input: unknown): void {
  let check = checks.get(useCase);
  if (!check) {
    check = ajv.compile(INPUT_SCHEMAS[useCase]) as unknown as Check;
    checks.set(useCase, check);
  }
  const problems: FieldProblem[] = [];
  // Before the schema: such a key is refused wherever it is, even inside a free-form object.
  const unsafe = findUnsafeKey(input);
  if (unsafe !== undefined)
    problems.push({ path: unsafe, message: 'names a key that is not allowed', hint: UNSAFE_KEY_HINT });
  if (!check(input)) {
    for (const e of check.errors ?? []) {
      const problem = toProblem(e);
      if (!problems.some((p) => p.path === problem.path)) problems.push(problem);
    }
  }
  // A problem inside a field says more than one about the field as a whole (a `oneOf` branch of
  // another type), so the outer one is dropped.
  const specific = problems.filter(
    (p) => !problems.some((q) => q.path.startsWith(`${p.path}.`) || q.path.startsWith(`${p.path}[`)),
  );
  if (specific.length) throw new InputError(specific);
}

function toProblem(e: AjvProblem): FieldProblem {
  const base = pathOf(e.instancePath);
  const hint = typeof e.parentSchema?.['x-hint'] === 'string' ? e.parentSchema['x-hint'] : undefined;
  if (e.keyword === 'required') {
    const field = join(base, String(e.params.missingProperty));
    return { path: field, message: 'is required', hint: `Pass ${field}.` };
  }
  if (e.keyword === 'additionalProperties') {
    const field = join(base, String(e.params.additionalProperty));
    return { path: field, message: 'is not a field of this input', hint: `Remove ${field}.` };
  }
  const message =
    e.keyword === 'enum' && Array.isArray(e.params.allowedValues)
      ? `must be one of: ${e.params.allowedValues.join(', ')}`
      : (e.message ?? 'is not valid');
  return { path: base || '(input)', message, ...(hint ? { hint } : {}) };
}

/** `/where/0/op` → `where[0].op`. */
function pathOf(pointer: string): string {
  return pointer
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((out, seg) => (/^\d+$/.test(seg) ? `${out}[${seg}]` : join(out, seg)), '');
}

function join(base: string, key: string): string {
  return base ? `${base}.${key}` : key;
}
