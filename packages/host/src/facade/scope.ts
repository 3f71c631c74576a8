import { HostInputError } from '../errors';
import { ScopeError } from './errors';
import type { Scope } from './types';

/**
 * What one caller may see. An unscoped caller (the CLI, an operator) sees every tenant; a caller
 * scoped to a tenant sees that tenant's objects only, and another tenant's objects are absent to it:
 * the same `UNKNOWN_*` error whether they exist or not, so a scope never learns what others hold.
 */
export class ScopeGuard {
  constructor(private readonly scope: Scope = {}) {}

  /** The tenant the caller is limited to, if any. */
  get tenant(): string | undefined {
    return this.scope.tenant;
  }

  /** The tenant a call works on: the one asked for; a scoped caller's own when it asks for none. */
  tenantFor(requested: string | undefined, field = 'tenant'): string | undefined {
    const own = this.scope.tenant;
    if (own === undefined) return requested;
    if (requested === undefined || requested.trim() === own) return own;
    throw new HostInputError(
      'UNKNOWN_TENANT',
      field,
      `no tenant "${requested.trim()}"`,
      `Use your tenant: ${own}.`,
    );
  }

  sees(tenant: string): boolean {
    return this.scope.tenant === undefined || this.scope.tenant === tenant;
  }

  /** Host-wide changes (tenants, sensors, profiles) are for unscoped callers only. */
  requireHostWide(useCase: string): void {
    if (this.scope.tenant !== undefined) throw new ScopeError(useCase);
  }
}
