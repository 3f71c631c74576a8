import { expect } from 'chai';
import type { ConnectorError } from '@connectors/framework/engine';
import { createFixtureReader, readFixture } from '../../src';

describe('createFixtureReader', () => {
  const fixtures = createFixtureReader(__dirname);

  it('should find test/fixtures of the package from a compiled test directory', () => {
    expect(fixtures.dir).to.match(/packages[\\/]testkit[\\/]test[\\/]fixtures$/);
    expect(fixtures.list()).to.include('items.sample');
  });

  it('should parse <endpoint>.<scenario>.json into a fresh copy each time', () => {
    const first = fixtures.read<Array<{ id: string }>>('items', 'sample');
    first[0].id = 'changed';
    expect(readFixture<Array<{ id: string }>>(__dirname, 'items', 'sample')[0].id).to.equal('item-1');
  });

  it('should name the missing fixture and list the present ones', () => {
    try {
      fixtures.read('items', 'nope');
      expect.fail('read a missing fixture');
    } catch (err) {
      expect((err as ConnectorError).code).to.equal('FIXTURE_MISSING');
      expect((err as ConnectorError).message).to.contain('items.nope.json');
      expect((err as ConnectorError).hint).to.contain('items.sample');
    }
  });
});
