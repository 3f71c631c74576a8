import type { Clock } from '@connectors/framework/engine';
import { HostInputError } from '../errors';
import { parseCondition, validateCondition } from '../filters/log-filter';
import type { HostStore } from '../store/host-store';
import type { ConnectorDefinition, FilterCondition, LogFilter, Sensor, Tenant } from '../types';
import { COLLECTIONS } from './collections';
import { checkId, checkName, nameKey } from './names';

/** Tenants, sensors and log filters: what connectors refer to and must exist before them. */
export class InventoryRegistry {
  constructor(
    private readonly store: HostStore,
    private readonly clock: Clock,
  ) {}

  // -- tenants ---------------------------------------------------------------------------------

  async createTenant(id: string): Promise<{ tenant: Tenant; created: boolean }> {
    const tenantId = checkId(id, 'tenant');
    const tenant: Tenant = { id: tenantId, createdAt: this.clock.now() };
    const created = await this.store.putIfAbsent(COLLECTIONS.tenants, tenantId, tenant);
    return {
      tenant: created ? tenant : (await this.store.get<Tenant>(COLLECTIONS.tenants, tenantId))!,
      created,
    };
  }

  async listTenants(): Promise<Tenant[]> {
    return (await this.store.list<Tenant>(COLLECTIONS.tenants)).map((r) => r.value);
  }

  async requireTenant(id: unknown, field = 'tenant'): Promise<Tenant> {
    const tenantId = typeof id === 'string' ? id.trim() : '';
    if (!tenantId) throw new HostInputError('TENANT_REQUIRED', field, 'is required', 'Pass --tenant T.');
    const tenant = await this.store.get<Tenant>(COLLECTIONS.tenants, tenantId);
    if (!tenant) {
      const known = (await this.listTenants()).map((t) => t.id);
      throw new HostInputError(
        'UNKNOWN_TENANT',
        field,
        `no tenant "${tenantId}"`,
        `Create it with \`connectors tenants create ${tenantId}\`${known.length ? ` or use one of: ${known.join(', ')}` : ''}.`,
      );
    }
    return tenant;
  }

  async deleteTenant(id: string): Promise<void> {
    const tenant = await this.requireTenant(id);
    const connectors = (await this.store.list<ConnectorDefinition>(COLLECTIONS.connectors)).filter(
      (c) => c.value.tenant === tenant.id,
    );
    const filters = (await this.listFilters(tenant.id)).length;
    if (connectors.length || filters) {
      throw new HostInputError(
        'TENANT_IN_USE',
        'tenant',
        `"${tenant.id}" still has ${connectors.length} connector(s) and ${filters} filter(s)`,
        'Delete them first.',
      );
    }
    await this.store.delete(COLLECTIONS.tenants, tenant.id);
  }

  // -- sensors ---------------------------------------------------------------------------------

  async createSensor(id: string, name?: string): Promise<Sensor> {
    const sensorId = checkId(id, 'sensor');
    const sensor: Sensor = {
      id: sensorId,
      ...(name ? { name: checkName(name, 'name') } : {}),
      createdAt: this.clock.now(),
    };
    if (!(await this.store.putIfAbsent(COLLECTIONS.sensors, sensorId, sensor))) {
      throw new HostInputError(
        'SENSOR_EXISTS',
        'sensor',
        `sensor "${sensorId}" already exists`,
        'Use another id.',
      );
    }
    return sensor;
  }

  async listSensors(): Promise<Sensor[]> {
    return (await this.store.list<Sensor>(COLLECTIONS.sensors)).map((r) => r.value);
  }

  async requireSensor(id: string, field = 'run-on'): Promise<Sensor> {
    const sensor = await this.store.get<Sensor>(COLLECTIONS.sensors, id);
    if (!sensor) {
      throw new HostInputError(
        'UNKNOWN_DEVICE',
        field,
        `no sensor "${id}"`,
        `A sensor must exist before a connector can run on it: \`connectors sensors create ${id}\`, or use --run-on dp.`,
      );
    }
    return sensor;
  }

  async deleteSensor(id: string): Promise<void> {
    await this.requireSensor(id, 'sensor');
    const users = (await this.store.list<ConnectorDefinition>(COLLECTIONS.connectors)).filter(
      (c) => c.value.runOn.kind === 'sensor' && c.value.runOn.id === id,
    );
    if (users.length) {
      throw new HostInputError(
        'SENSOR_IN_USE',
        'sensor',
        `"${id}" runs ${users.map((u) => `${u.value.tenant}/${u.value.name}`).join(', ')}`,
        'Delete those connectors first.',
      );
    }
    await this.store.delete(COLLECTIONS.sensors, id);
  }

  // -- log filters -----------------------------------------------------------------------------

  async createFilter(
    tenant: string,
    name: string,
    conditions: Array<string | FilterCondition>,
  ): Promise<LogFilter> {
    const t = await this.requireTenant(tenant);
    const filterName = checkName(name, 'name');
    if (!conditions.length) {
      throw new HostInputError(
        'FILTER_EMPTY',
        'when',
        'a filter needs at least one condition',
        'Add --when "FIELD OPERATOR VALUE".',
      );
    }
    const parsed = conditions.map((c) => (typeof c === 'string' ? parseCondition(c) : validateCondition(c)));
    const filter: LogFilter = {
      tenant: t.id,
      name: filterName,
      conditions: parsed,
      createdAt: this.clock.now(),
    };
    if (!(await this.store.putIfAbsent(COLLECTIONS.filters, nameKey(t.id, filterName), filter))) {
      throw new HostInputError(
        'FILTER_EXISTS',
        'name',
        `tenant "${t.id}" already has a filter "${filterName}"`,
        'Use another name.',
      );
    }
    return filter;
  }

  async listFilters(tenant?: string): Promise<LogFilter[]> {
    return (await this.store.list<LogFilter>(COLLECTIONS.filters))
      .map((r) => r.value)
      .filter((f) => !tenant || f.tenant === tenant);
  }

  async getFilter(tenant: string, name: string): Promise<LogFilter | undefined> {
    return this.store.get<LogFilter>(COLLECTIONS.filters, nameKey(tenant, name));
  }

  async requireFilter(tenant: string, name: string, field = 'filter'): Promise<LogFilter> {
    const filter = await this.getFilter(tenant, name);
    if (!filter) {
      const known = (await this.listFilters(tenant)).map((f) => f.name);
      throw new HostInputError(
        'UNKNOWN_FILTER',
        field,
        `tenant "${tenant}" has no log filter "${name}"`,
        `Create it with \`connectors filters create "${name}" --tenant ${tenant} --when "FIELD OPERATOR VALUE"\`${
          known.length ? ` or use one of: ${known.join(', ')}` : ''
        }.`,
      );
    }
    return filter;
  }

  async deleteFilter(tenant: string, name: string): Promise<void> {
    const filter = await this.requireFilter(tenant, name, 'name');
    const users = (await this.store.list<ConnectorDefinition>(COLLECTIONS.connectors)).filter(
      (c) =>
        c.value.tenant === filter.tenant &&
        c.value.filters.some((f) => f.toLowerCase() === filter.name.toLowerCase()),
    );
    if (users.length) {
      throw new HostInputError(
        'FILTER_IN_USE',
        'name',
        `"${filter.name}" is attached to ${users.map((u) => u.value.name).join(', ')}`,
        "Log filters are part of a connector's general settings; delete those connectors first.",
      );
    }
    await this.store.delete(COLLECTIONS.filters, nameKey(filter.tenant, filter.name));
  }
}
