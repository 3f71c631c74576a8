import { expect } from 'chai';
import {
  Connector,
  createConnectorContainer,
  createHostContainer,
  createSilentLogger,
  inject,
  injectable,
  instantiateConnector,
  TOKENS,
  type Clock,
  type CollectedPage,
  type ConnectorInstanceInfo,
  type NormalizedRecord,
  type TestStep,
} from '../../src/engine';
import { EMPTY, type Observable } from 'rxjs';
import { validManifest } from '../helpers/manifest.fixture';

@injectable()
class InjectedConnector extends Connector {
  constructor(
    @inject(TOKENS.Clock) readonly clock: Clock,
    @inject(TOKENS.Instance) readonly instance: ConnectorInstanceInfo,
  ) {
    super();
  }
  protected testSteps(): TestStep[] {
    return [];
  }
  collect(): Observable<CollectedPage> {
    return EMPTY;
  }
  normalize(): NormalizedRecord {
    return { key: 'k', fields: {} };
  }
}

const info = (id: string): ConnectorInstanceInfo => ({
  id,
  name: `conn-${id}`,
  tenant: 'acme',
  type: 'acme-edr',
});

describe('createConnectorContainer', () => {
  it('should give each instance its own identity while sharing host services', () => {
    const host = createHostContainer({ logger: createSilentLogger() });
    const a = instantiateConnector(
      InjectedConnector,
      createConnectorContainer(host, { manifest: validManifest(), instance: info('a') }),
      validManifest(),
    ) as InjectedConnector;
    const b = instantiateConnector(
      InjectedConnector,
      createConnectorContainer(host, { manifest: validManifest(), instance: info('b') }),
      validManifest(),
    ) as InjectedConnector;
    expect(a.instance.id).to.equal('a');
    expect(b.instance.id).to.equal('b');
    expect(a.clock).to.equal(b.clock);
    expect(a.manifest.id).to.equal('acme-edr');
  });

  it('should let one instance override a service without affecting the others', () => {
    const host = createHostContainer({ logger: createSilentLogger() });
    const fake: Clock = { now: () => 42, sleep: async () => undefined };
    const overridden = createConnectorContainer(host, {
      manifest: validManifest(),
      instance: info('a'),
      services: { clock: fake },
    });
    const plain = createConnectorContainer(host, { manifest: validManifest(), instance: info('b') });
    expect(overridden.resolve<Clock>(TOKENS.Clock).now()).to.equal(42);
    expect(plain.resolve<Clock>(TOKENS.Clock).now()).to.be.greaterThan(1_600_000_000_000);
    expect(host.resolve<Clock>(TOKENS.Clock)).not.to.equal(fake);
  });

  it('should bind a child logger carrying the connector and tenant', () => {
    const host = createHostContainer({ logger: createSilentLogger() });
    const child = createConnectorContainer(host, { manifest: validManifest(), instance: info('a') });
    const logger = child.resolve<{ bindings(): Record<string, unknown> }>(TOKENS.Logger);
    expect(logger.bindings()).to.include({ connector: 'conn-a', tenant: 'acme', plugin: 'acme-edr' });
  });
});
