import { expect } from 'chai';
import {
  buildEnvelope,
  readPlugin,
  stableStringify,
  type ConnectorManifest,
  type SyslogRecord,
} from '@connectors/framework/engine';
import { createFixtureReader } from '@connectors/testkit';
import path from 'node:path';
import { normalizeComputer } from '../../src';
import type { ComputerDto } from '../../src/internal-types';

const fixtures = createFixtureReader(__dirname);
const manifest: ConnectorManifest = readPlugin(path.resolve(__dirname, '../../..'))!.manifest;
const instance = { id: 'c1', name: 'cloudone', tenant: 't1', type: 'trendmicro-cloudone' };
const read = (scenario: string): ComputerDto => fixtures.read<ComputerDto>('computers', scenario);

/** The record as ingestion will see it: normalized, then wrapped (blank values pruned) by the framework. */
function envelope(scenario: string) {
  const normalized = normalizeComputer(read(scenario));
  const { entry } = buildEnvelope({
    manifest,
    instance,
    contentType: 'computers',
    normalized,
    now: 1_717_500_000_000,
  });
  return {
    record: entry.record as SyslogRecord & Record<string, Record<string, unknown>>,
    asset: entry.asset!,
    normalized,
  };
}

describe('normalizeComputer', () => {
  it('should have a fixture for every computer shape', () => {
    expect(fixtures.list().filter((f) => f.startsWith('computers.')).length).to.be.at.least(13);
  });

  describe('when the computer is an activated EC2 Linux agent (reference example)', () => {
    it('should map host, agent and cloud fields to ECS names and keep the vendor object', () => {
      const { record, asset } = envelope('ec2-linux');
      expect(record.host).to.deep.equal({
        hostname: 'ip-10-0-4-194.ec2.internal',
        name: 'ip-10-0-4-194.ec2.internal',
        id: '14483d21-d921-32e0-19d7-fa36d91bc46e',
        ip: ['10.0.4.194', 'fe80::81b:2cff:fe3d:4e5f', '54.210.11.23'],
        mac: ['0a:1b:2c:3d:4e:5f'],
        os: {
          full: 'Amazon Linux 2 (64 bit) (4.14.336-257.562.amzn2.x86_64)',
          name: 'Amazon Linux 2',
          type: 'linux',
          kernel: '4.14.336-257.562.amzn2.x86_64',
        },
      });
      expect(record.agent).to.deep.equal({
        version: '20.0.1.690',
        status: 'active',
        status_messages: ['Managed (Online)'],
        last_seen: 1717406123456,
      });
      expect(record.cloud).to.deep.equal({
        provider: 'aws',
        account: { id: '123456789012' },
        instance: { id: 'i-0e80f75f9532ad1ba', name: 'web01' },
        region: 'us-east-1',
        availability_zone: 'us-east-1a',
        machine: { type: 't3.micro' },
        service: { name: 'ec2' },
      });
      expect(record.event).to.deep.equal({ kind: 'state', category: ['host'], type: ['info'] });
      expect(record.trendmicro_cloudone.hostGUID).to.equal('14483D21-D921-32E0-19D7-FA36D91BC46E');
      expect(record.trendmicro_cloudone.antiMalware).to.deep.include({ state: 'on' });
      expect(record.msg_class).to.equal('trendmicro_cloudone_computers');
      expect(asset.primaryKey).to.deep.equal({ key: 'ID', value: '2' });
      expect(asset.identity).to.deep.equal({
        ID: '2',
        hostGUID: '14483d21-d921-32e0-19d7-fa36d91bc46e',
        cloudInstanceId: 'i-0e80f75f9532ad1ba',
        mac: '0a:1b:2c:3d:4e:5f',
        ip: '10.0.4.194',
        hostname: 'ip-10-0-4-194.ec2.internal',
      });
      expect(asset.lastSeen).to.equal(1717406123456);
    });

    it('should drop blank vendor values (empty displayName and description) from the record', () => {
      const { record } = envelope('ec2-linux');
      expect(record.trendmicro_cloudone).to.not.have.property('displayName');
      expect(record.trendmicro_cloudone).to.not.have.property('description');
      expect(stableStringify(record)).to.not.match(/:""|:\[\]|:\{\}/);
    });
  });

  describe('when the platform is Windows', () => {
    it('should collapse the double space of the platform string and normalize dashed upper-case MACs and IPv6', () => {
      const { record } = envelope('ec2-windows');
      expect(record.host.os).to.deep.equal({
        full: 'Microsoft Windows Server 2022 (64 bit) Build 20348',
        name: 'Microsoft Windows Server 2022',
        type: 'windows',
      });
      expect(record.trendmicro_cloudone.platform).to.equal(
        'Microsoft Windows Server 2022 (64 bit)  Build 20348',
      );
      expect(record.host.mac).to.deep.equal(['0a:1b:2c:3d:4e:60', '0a:1b:2c:3d:4e:61']);
      expect(record.host.ip).to.deep.equal(['10.12.0.25', '10.12.1.7', 'fe80::1234:abcd:1']);
      expect(record.host.name).to.equal('Payments DC');
      expect(record.host.hostname).to.equal('EC2AMAZ-4KQ7T2M');
      expect(record.agent).to.include({ status: 'warning' });
      expect(record.agent.status_messages).to.deep.equal(['Managed (Online)', 'Reboot Required']);
      expect(record.cloud).to.deep.include({ region: 'eu-west-1', provider: 'aws' });
    });
  });

  describe('when the computer runs in Azure', () => {
    it('should map a Resource Manager VM (subscription, VM id, location as a region name)', () => {
      const { record, asset } = envelope('azure-arm');
      expect(record.cloud).to.deep.equal({
        provider: 'azure',
        account: { id: '9b1e2f3a-1111-2222-3333-444455556666' },
        instance: { id: '5f1c2d3e-aaaa-bbbb-cccc-ddddeeeeffff' },
        region: 'westeurope',
        machine: { type: 'Standard_D2s_v3' },
      });
      expect(record.host.ip).to.deep.equal(['10.1.3.4', '20.50.1.2']);
      expect(asset.identity.cloudInstanceId).to.equal('5f1c2d3e-aaaa-bbbb-cccc-ddddeeeeffff');
    });

    it('should map a classic VM, including its public virtual IP, without interfaces', () => {
      const { record } = envelope('azure-classic');
      expect(record.cloud).to.deep.include({ provider: 'azure', region: 'eastus' });
      expect(record.host.ip).to.deep.equal(['10.1.9.9', '40.112.3.4']);
      expect(record.host).to.not.have.property('mac');
      expect(record.agent).to.deep.include({ status: 'inactive', version: '12.0.0.1234' });
    });
  });

  describe('when the computer runs in GCP', () => {
    it('should derive the region from the zone', () => {
      const { record } = envelope('gcp');
      expect(record.cloud).to.deep.equal({
        provider: 'gcp',
        instance: { id: '1234567890123456789' },
        region: 'us-east1',
        availability_zone: 'us-east1-d',
      });
      expect(record.agent).to.deep.include({ status: 'error' });
    });
  });

  describe('when the computer is a VMware VM', () => {
    it('should use the BIOS UUID as an identity, normalize Cisco-dotted MACs and set no cloud', () => {
      const { record, asset } = envelope('vmware');
      expect(record).to.not.have.property('cloud');
      expect(record.host.mac).to.deep.equal(['00:50:56:ab:cd:ef', '00:50:56:ab:cd:f0']);
      expect(record.host.ip).to.deep.equal(['172.16.20.5', '10.200.1.5']);
      expect(record.host.name).to.equal('Oracle DB primary');
      expect(record.host.hostname).to.equal('db00045.corp.example.com');
      expect(asset.identity.biosUUID).to.equal('421e1137-5c49-56e4-246d-9bf7637e69f5');
      expect(asset.identity).to.not.have.property('cloudInstanceId');
    });
  });

  describe('when cloud metadata comes from the agent (no connector) or a WorkSpace', () => {
    it('should recognise an EC2 instance ID without a connector', () => {
      const { record } = envelope('no-connector');
      expect(record.cloud).to.deep.equal({
        provider: 'aws',
        account: { id: '333344445555' },
        instance: { id: 'i-0aaa1111bbbb2222c' },
        region: 'ap-southeast-2',
      });
      expect(record.agent).to.deep.include({ status: 'not-supported' });
    });

    it('should map an Amazon WorkSpace with its workspace ID as the instance', () => {
      const { record } = envelope('workspace');
      expect(record.cloud).to.deep.equal({
        provider: 'aws',
        account: { id: '555566667777' },
        instance: { id: 'ws-hlt453cld' },
        service: { name: 'workspaces' },
      });
      expect(record.host.os).to.deep.include({ full: 'Microsoft Windows 10 (64 bit) Build 19045' });
    });
  });

  describe('when the computer was never activated', () => {
    it('should not invent a host name, agent version or OS, and use the IP host name as an address', () => {
      const { record, asset } = envelope('unactivated');
      expect(record.host).to.deep.equal({ id: '52da6a2b-a3ad-4da7-911c-3c8915e26ba5', ip: ['192.0.2.10'] });
      expect(record.agent).to.deep.equal({ status: 'inactive', status_messages: ['Activation Required'] });
      expect(record.trendmicro_cloudone).to.include({ agentVersion: '0.0.0.0', hostName: '192.0.2.10' });
      expect(asset.identity).to.deep.equal({
        ID: '3',
        hostGUID: '52da6a2b-a3ad-4da7-911c-3c8915e26ba5',
        ip: '192.0.2.10',
      });
      expect(asset).to.not.have.property('hostname');
      expect(asset.attributes).to.deep.include({ activated: false });
    });

    it('should take the display name as host name when the host name is an IP, and read a GovCloud zone', () => {
      const { record, asset } = envelope('unactivated-named');
      expect(record.host).to.deep.include({
        hostname: 'Build agent 7',
        name: 'Build agent 7',
        ip: ['10.99.1.20'],
      });
      expect(record.cloud).to.deep.include({
        region: 'us-gov-west-1',
        instance: { id: 'i-0fff0000eeee1111d' },
      });
      expect(record).to.not.have.property('agent');
      expect(asset.attributes).to.not.have.property('policyID');
      expect(asset.identity.hostname).to.equal('build agent 7');
    });
  });

  describe('when the computer has several interfaces', () => {
    it('should strip prefixes, compress IPv6, deduplicate, and drop invalid addresses and all-zero MACs', () => {
      const { record, asset } = envelope('physical-multi-nic');
      expect(record.host.ip).to.deep.equal(['192.168.10.49', '2001:db8::ff00:42:8329', '172.17.0.1']);
      expect(record.host.mac).to.deep.equal(['f4:8e:38:01:02:03', 'f4:8e:38:01:02:04', '02:42:ac:11:00:01']);
      expect(asset.identity.mac).to.equal('f4:8e:38:01:02:03');
      expect(asset.attributes).to.deep.include({ policyID: 2, groupID: 1, agentVersion: '11.3.0.292' });
    });
  });

  describe('when only top-level fields were requested (expand=none)', () => {
    it('should still map the scalars and set no status, interfaces or cloud', () => {
      const { record } = envelope('expand-none');
      expect(record.host).to.deep.include({ hostname: 'app00050.corp.example.com', ip: ['172.16.5.50'] });
      expect(record.agent).to.deep.equal({ version: '20.0.1.690', last_seen: 1717406000000 });
      expect(record).to.not.have.property('cloud');
    });
  });

  describe('when the computer is an ESXi host', () => {
    it('should keep the ESX summary under the vendor key and an upper-case BIOS UUID lower-cased', () => {
      const { record, asset } = envelope('esx');
      expect(record.trendmicro_cloudone.ESXSummary).to.deep.include({ model: 'PowerEdge R740' });
      expect(asset.identity.biosUUID).to.equal('4c4c4544-0051-3510-8052-b4c04f4e3232');
      expect(record.host.os).to.deep.equal({ full: 'VMware ESXi 7.0', name: 'VMware ESXi 7.0' });
    });
  });

  describe('purity', () => {
    it('should not modify its input and give the same record id for the same computer', () => {
      for (const scenario of ['ec2-linux', 'vmware', 'unactivated']) {
        const input = read(scenario);
        const before = JSON.stringify(input);
        const a = envelope(scenario).record.id;
        normalizeComputer(input);
        expect(JSON.stringify(input)).to.equal(before);
        expect(envelope(scenario).record.id).to.equal(a);
      }
      const changed = read('ec2-linux');
      changed.lastAgentCommunication = 1;
      const normalized = normalizeComputer(changed);
      const { entry } = buildEnvelope({ manifest, instance, contentType: 'computers', normalized, now: 1 });
      expect(entry.record.id).to.not.equal(envelope('ec2-linux').record.id);
    });

    it('should refuse an object without an integer ID', () => {
      expect(() => normalizeComputer({ hostName: 'x' } as unknown as ComputerDto)).to.throw(
        /valid integer ID/,
      );
      expect(() => normalizeComputer({ ID: '7' } as unknown as ComputerDto)).to.throw(/valid integer ID/);
    });
  });
});
