import { expect } from 'chai';
import { createFixtureReader } from '@connectors/testkit';
import { mapHost } from '../../src/host.mapper';
import type { EdrHost } from '../../src/internal-types';

const fleet = createFixtureReader(__dirname).read<EdrHost[]>('hosts', 'fleet');
const byId = (id: string): EdrHost => fleet.find((h) => h.id === id)!;

describe('mapHost', () => {
  it('should map host fields and keep the vendor object under example_edr', () => {
    const { key, fields } = mapHost(byId('h-0001'));
    expect(key).to.equal('h-0001');
    expect(fields.host).to.deep.equal({
      id: 'h-0001',
      name: 'web-1',
      ip: ['10.0.0.5'],
      mac: ['00:16:3e:aa:00:01'],
      os: { full: 'Ubuntu 22.04' },
    });
    expect(fields.example_edr).to.deep.equal(byId('h-0001'));
  });

  it('should give asset identity keys in the manifest order, leaving out the missing ones', () => {
    expect(mapHost(byId('h-0001')).asset!.identity).to.deep.equal({
      hostId: 'h-0001',
      mac: '00:16:3e:aa:00:01',
      ip: '10.0.0.5',
      hostname: 'web-1',
    });
    expect(mapHost(byId('h-0005')).asset!.identity).to.deep.equal({ hostId: 'h-0005', ip: '10.0.9.99' });
  });

  it('should parse lastSeen to epoch ms and drop a value that is not a date', () => {
    expect(mapHost(byId('h-0001')).asset!.lastSeen).to.equal(Date.UTC(2024, 4, 1, 10, 0, 0));
    expect(mapHost(byId('h-0003')).asset!.lastSeen).to.equal(undefined);
  });

  it('should not build an OS string from blank parts', () => {
    expect(mapHost(byId('h-0002')).asset!.os).to.equal('Debian');
    expect(mapHost(byId('h-0005')).asset!.os).to.equal(undefined);
  });
});
