import { expect } from 'chai';
import { canonicalIp, canonicalMac } from '../../src';

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
