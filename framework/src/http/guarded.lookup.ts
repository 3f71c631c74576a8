import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { forbiddenAddressReason, isLoopbackHost } from './address.guard';

export const FORBIDDEN_ADDRESS_CODE = 'ERR_FORBIDDEN_ADDRESS';

type LookupCallback = (err: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void;
export type LookupFunction = (hostname: string, options: LookupOptions, callback: LookupCallback) => void;

function forbidden(hostname: string, address: string, reason: string): NodeJS.ErrnoException {
  const err: NodeJS.ErrnoException = new Error(`${hostname} resolves to ${address}, which ${reason}`);
  err.code = FORBIDDEN_ADDRESS_CODE;
  return err;
}

/**
 * A DNS lookup for the HTTP client that refuses link-local and metadata addresses (and loopback
 * outside development) at connection time, so a name that resolves there (or is re-pointed there
 * later) is refused as surely as a literal address in the config (docs/adr/0013-http-policy-in-framework.md).
 */
export function guardedLookup(options: { development: boolean; resolve?: typeof dnsLookup }): LookupFunction {
  const resolve = options.resolve ?? dnsLookup;
  return (hostname, lookupOptions, callback) => {
    resolve(hostname, { ...lookupOptions, all: true }, (err, addresses) => {
      if (err) return callback(err, []);
      for (const a of addresses) {
        const reason = forbiddenAddressReason(a.address);
        if (reason) return callback(forbidden(hostname, a.address, reason), []);
        if (!options.development && isLoopbackHost(a.address)) {
          return callback(
            forbidden(
              hostname,
              a.address,
              'is a loopback address (allowed only in development, CONNECTORS_DEV=1)',
            ),
            [],
          );
        }
      }
      callback(null, addresses);
    });
  };
}
