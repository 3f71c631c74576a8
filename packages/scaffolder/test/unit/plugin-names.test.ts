import { expect } from 'chai';
import { CATEGORIES, type ConnectorError } from '@connectors/framework/engine';
import { derivePluginNames, resolveCategory } from '../../src';

function thrown(fn: () => unknown): ConnectorError {
  try {
    fn();
  } catch (err) {
    return err as ConnectorError;
  }
  throw new Error('expected an error');
}

describe('derivePluginNames', () => {
  it('should derive every spelling from vendor and product', () => {
    expect(derivePluginNames('Acme', 'EDR')).to.deep.equal({
      id: 'acme-edr',
      packageName: '@connectors/plugin-acme-edr',
      snake: 'acme_edr',
      upper: 'ACME_EDR',
      pascal: 'AcmeEdr',
      camel: 'acmeEdr',
      name: 'Acme EDR',
      vendor: 'Acme',
      product: 'EDR',
      vendorSlug: 'acme',
    });
  });

  it('should fold accents and treat punctuation as separators', () => {
    const names = derivePluginNames('Société Générale', 'Pare-feu  Pro!');
    expect(names.id).to.equal('societe-generale-pare-feu-pro');
    expect(names.vendorSlug).to.equal('societegenerale');
  });

  it('should not repeat a vendor the product name already starts with', () => {
    const names = derivePluginNames('Trend Micro', 'Trend Micro Cloud One');
    expect(names.id).to.equal('trend-micro-cloud-one');
    expect(names.name).to.equal('Trend Micro Cloud One');
  });

  it('should refuse names without latin letters or digits', () => {
    const err = thrown(() => derivePluginNames('株式会社', 'EDR'));
    expect(err.code).to.equal('SCAFFOLD_INVALID_NAME');
    expect(err.hint).to.contain('--vendor');
  });

  it('should refuse an id that would not start with a letter', () => {
    expect(thrown(() => derivePluginNames('3Com', 'Switch')).code).to.equal('SCAFFOLD_INVALID_NAME');
  });

  it('should refuse an id longer than the manifest allows', () => {
    expect(thrown(() => derivePluginNames('Acme', 'x'.repeat(70))).message).to.contain('longer than 64');
  });
});

describe('resolveCategory', () => {
  it('should match a category case-insensitively and return its canonical spelling', () => {
    expect(resolveCategory(' endpoint security ')).to.equal('Endpoint Security');
  });

  it('should refuse an unknown category and list the known ones', () => {
    const err = thrown(() => resolveCategory('Antivirus'));
    expect(err.code).to.equal('SCAFFOLD_UNKNOWN_CATEGORY');
    for (const c of CATEGORIES) expect(err.hint).to.contain(c);
  });
});
