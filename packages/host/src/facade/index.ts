export { HostFacade } from './host.facade';
export { ScopeGuard } from './scope';
export { INPUT_SCHEMAS } from './schemas';
export type { UseCase } from './schemas';
export { checkInput } from './input';
export { InputError, ScopeError, errorKind, NOT_FOUND_CODES } from './errors';
export type { FieldProblem, ErrorKind } from './errors';
export type * from './types';
