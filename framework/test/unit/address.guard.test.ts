import { expect } from 'chai';
import { forbiddenAddressReason, isLoopbackHost } from '../../src/http/address.guard';

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

  it('should allow ordinary hosts and private addresses (on-premises servers live there)', () => {
    for (const host of ['api.vendor.example', '10.0.0.5', '192.168.1.1', '::1', '2001:db8::1']) {
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
