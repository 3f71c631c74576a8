import { expect } from 'chai';
import { readFixture } from '@connectors/testkit';
import { mapHost } from '../../src/host.mapper';
import type { FalconHost } from '../../src/internal-types';

describe('mapHost', () => {
  const ec2 = readFixture<FalconHost>(__dirname, 'devices', 'windows-ec2');
  const mac = readFixture<FalconHost>(__dirname, 'devices', 'mac-onprem');

  it('should key the record by device_id and keep the vendor object under crowdstrike_falcon', () => {
    const record = mapHost(ec2);
    expect(record.key).to.equal(ec2.device_id);
    expect(record.fields.crowdstrike_falcon).to.equal(ec2);
  });

  it('should map ECS host, agent and cloud fields, with the MAC in upper-case dashed form', () => {
    const { fields } = mapHost(ec2);
    expect(fields.host).to.deep.include({
      id: ec2.device_id,
      name: 'win-srv-000001',
      ip: ['172.31.12.40', '203.0.113.40'],
      mac: ['0A-1B-2C-3D-4E-5F'],
      type: 'Server',
    });
    expect((fields.host as { os: unknown }).os).to.deep.include({
      full: 'Windows Server 2022',
      type: 'windows',
      version: '20348',
    });
    expect(fields.agent).to.deep.include({ version: '7.11.18110.0', type: 'falcon-sensor' });
    expect(fields.cloud).to.deep.equal({ provider: 'aws', instance: { id: 'i-0abc123def4567890' } });
  });

  it('should build the asset identity in the manifest order, most trusted first', () => {
    expect(Object.keys(mapHost(ec2).asset!.identity)).to.deep.equal([
      'deviceId',
      'instanceId',
      'mac',
      'ip',
      'hostname',
    ]);
    expect(mapHost(mac).asset!.identity).to.deep.equal({
      deviceId: mac.device_id,
      mac: 'A4-83-E7-01-02-03',
      ip: '10.20.30.40',
      hostname: 'mac-000002',
    });
  });

  it('should carry containment and last seen on the asset, and no cloud for an on-premises host', () => {
    const record = mapHost(mac);
    expect(record.asset!.attributes).to.deep.include({ containment: 'contained', platform: 'Mac' });
    expect(record.asset!.lastSeen).to.equal(Date.parse('2024-06-01T07:00:00Z'));
    expect(record.fields.cloud).to.equal(undefined);
    expect((record.fields.host as { os: { type: string } }).os.type).to.equal('macos');
  });

  it('should refuse a host without device_id with a hint', () => {
    expect(() => mapHost({} as FalconHost))
      .to.throw('device_id')
      .with.property('hint')
      .that.contains('vendor data');
  });
});
