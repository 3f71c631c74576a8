import { expect } from 'chai';
import type { LookupAddress, LookupOptions } from 'node:dns';
import { FORBIDDEN_ADDRESS_CODE, guardedLookup } from '../../src/http/guarded.lookup';

type Resolve = (
  host: string,
  options: LookupOptions,
  cb: (err: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void,
) => void;

function resolvingTo(...addresses: string[]): Resolve {
  return (_host, _options, cb) =>
    cb(
      null,
      addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })),
    );
}

function run(
  lookup: ReturnType<typeof guardedLookup>,
  host = 'api.example.com',
): Promise<{ err: NodeJS.ErrnoException | null; addresses: LookupAddress[] }> {
  return new Promise((resolve) =>
    lookup(host, { all: true }, (err, addresses) => resolve({ err, addresses })),
  );
}

describe('guardedLookup', () => {
  it('should pass ordinary addresses through', async () => {
    const { err, addresses } = await run(
      guardedLookup({ development: false, resolve: resolvingTo('203.0.113.7', '2001:db8::7') as never }),
    );
    expect(err).to.equal(null);
    expect(addresses.map((a) => a.address)).to.deep.equal(['203.0.113.7', '2001:db8::7']);
  });

  it('should refuse a name that resolves to a metadata or link-local address', async () => {
    for (const address of ['169.254.169.254', 'fe80::1', '::ffff:169.254.169.254']) {
      const { err } = await run(
        guardedLookup({ development: true, resolve: resolvingTo('203.0.113.7', address) as never }),
        'sneaky.example',
      );
      expect(err?.code, address).to.equal(FORBIDDEN_ADDRESS_CODE);
      expect(err?.message).to.match(/^sneaky\.example resolves to /);
    }
  });

  it('should refuse loopback outside development only', async () => {
    const prod = await run(
      guardedLookup({ development: false, resolve: resolvingTo('127.0.0.1') as never }),
      'localtest.me',
    );
    expect(prod.err?.code).to.equal(FORBIDDEN_ADDRESS_CODE);
    const dev = await run(
      guardedLookup({ development: true, resolve: resolvingTo('127.0.0.1') as never }),
      'localtest.me',
    );
    expect(dev.err).to.equal(null);
  });

  it('should pass resolver errors on', async () => {
    const failing: Resolve = (_h, _o, cb) =>
      cb(Object.assign(new Error('getaddrinfo ENOTFOUND x'), { code: 'ENOTFOUND' }), []);
    const { err } = await run(guardedLookup({ development: false, resolve: failing as never }));
    expect(err?.code).to.equal('ENOTFOUND');
  });
});
