import { expect } from 'chai';
import { canonicalIp, canonicalMac, forbiddenAddressReason, isLoopbackHost } from '../../src';

describe('canonicalIp', () => {
  it('should strip prefixes and zones and compress IPv6 per RFC 5952', () => {
    expect(canonicalIp('10.0.4.194/24')).to.equal('10.0.4.194');
    expect(canonicalIp('FE80::0000:1234:ABCD:0001/64')).to.equal('fe80::1234:abcd:1');
    expect(canonicalIp('2001:0db8:0000:0000:0000:ff00:0042:8329')).to.equal('2001:db8::ff00:42:8329');
    expect(canonicalIp('2001:db8:0:1:0:0:0:1')).to.equal('2001:db8:0:1::1');
    expect(canonicalIp('fe80::1%eth0')).to.equal('fe80::1');
    expect(canonicalIp('::ffff:192.0.2.1')).to.equal('::ffff:192.0.2.1');
    expect(canonicalIp('::')).to.equal('::');
  });

  it('should give IPv4 with and without a prefix, padding or zone the same answer', () => {
    for (const ip of ['10.0.4.194', '10.0.4.194/24', '10.0.4.194/8', ' 10.0.4.194 ', '10.0.4.194%eth0'])
      expect(canonicalIp(ip), ip).to.equal('10.0.4.194');
    expect(canonicalIp('0.0.0.0/0')).to.equal('0.0.0.0');
    expect(canonicalIp('255.255.255.255')).to.equal('255.255.255.255');
    for (const bad of ['10.0.4.1944', '10.00.4.194', '10.0.4', '10.0.4.194/1234', '10.0.4.194/'])
      expect(canonicalIp(bad), bad).to.equal(undefined);
  });

  it('should return undefined for anything that is not an address', () => {
    for (const bad of ['', '  ', 'not-an-ip', '300.1.1.1', 'host.example.com', 42, null])
      expect(canonicalIp(bad)).to.equal(undefined);
  });
});

describe('canonicalMac', () => {
  it('should give lower-case colon pairs for colon, dash, dotted and bare forms', () => {
    for (const form of ['0A:1B:2C:3D:4E:5F', '0a-1b-2c-3d-4e-5f', '0a1b.2c3d.4e5f', '0A1B2C3D4E5F']) {
      expect(canonicalMac(form)).to.equal('0a:1b:2c:3d:4e:5f');
    }
  });

  it('should drop all-zero, broadcast and malformed MACs', () => {
    for (const bad of ['00:00:00:00:00:00', 'FF-FF-FF-FF-FF-FF', '0a:1b:2c', 'zz:1b:2c:3d:4e:5f', undefined])
      expect(canonicalMac(bad)).to.equal(undefined);
  });
});

describe('forbiddenAddressReason', () => {
  it('should refuse link-local, metadata and unspecified addresses in every spelling', () => {
    for (const host of [
      '169.254.169.254',
      '[::ffff:a9fe:a9fe]',
      '::ffff:169.254.169.254',
      'fd00:ec2::254',
      'metadata.google.internal',
      '100.100.100.200',
    ]) {
      expect(forbiddenAddressReason(host), host).to.match(/metadata/);
    }
    for (const host of ['169.254.1.1', 'fe80::1', '[FE80::abcd]'])
      expect(forbiddenAddressReason(host), host).to.match(/link-local/);
    expect(forbiddenAddressReason('0.0.0.0')).to.match(/unspecified/);
    expect(forbiddenAddressReason('::')).to.match(/unspecified/);
  });

  it('should allow ordinary hosts and private addresses (on-premises managers live there)', () => {
    for (const host of [
      'workload.us-1.cloudone.trendmicro.com',
      '10.0.0.5',
      '192.168.1.1',
      '::1',
      '2001:db8::1',
    ]) {
      expect(forbiddenAddressReason(host), host).to.equal(undefined);
    }
  });
});

describe('isLoopbackHost', () => {
  it('should recognise localhost, 127/8 and ::1 (also IPv4-mapped) and nothing else', () => {
    for (const host of ['localhost', 'api.localhost', '127.0.0.1', '127.9.9.9', '[::1]', '::ffff:127.0.0.1'])
      expect(isLoopbackHost(host), host).to.equal(true);
    for (const host of ['10.0.0.1', 'example.com', '::', '::2'])
      expect(isLoopbackHost(host), host).to.equal(false);
  });
});
