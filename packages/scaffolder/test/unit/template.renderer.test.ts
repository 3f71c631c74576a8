import { expect } from 'chai';
import { createRenamer, derivePluginNames } from '../../src';

describe('createRenamer', () => {
  const from = { ...derivePluginNames('Example', 'EDR'), packageName: '@connectors/example-edr' };

  it('should replace every spelling of the template name', () => {
    const rename = createRenamer(from, derivePluginNames('Acme', 'Mail Gateway'));
    const text = [
      "import { ExampleEdrConnector } from '@connectors/example-edr';",
      'const exampleEdr = EXAMPLE_EDR; // example_edr, example-edr, Example EDR',
    ].join('\n');
    expect(rename(text)).to.equal(
      [
        "import { AcmeMailGatewayConnector } from '@connectors/plugin-acme-mail-gateway';",
        'const acmeMailGateway = ACME_MAIL_GATEWAY; // acme_mail_gateway, acme-mail-gateway, Acme Mail Gateway',
      ].join('\n'),
    );
  });

  it('should replace in one pass, so a new name containing the old one is not replaced again', () => {
    const rename = createRenamer(from, derivePluginNames('Example', 'EDR 2'));
    expect(rename('example-edr ExampleEdr')).to.equal('example-edr-2 ExampleEdr2');
  });

  it('should leave other text alone', () => {
    const rename = createRenamer(from, derivePluginNames('Acme', 'EDR'));
    expect(rename('https://edr.example.com and an Example')).to.equal(
      'https://edr.example.com and an Example',
    );
  });
});
