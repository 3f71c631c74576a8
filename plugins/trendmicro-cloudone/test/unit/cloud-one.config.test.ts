import { expect } from 'chai';
import { ConfigurationError, ConfigurationErrors, ConnectorError } from '@connectors/framework/engine';
import { createTestHost, loadPlugin, type LoadedPlugin } from '@connectors/testkit';
import { CLOUD_ONE_REGIONS, type CloudOneConfig } from '../../src';

const CLOUD_ONE_KEY = `tmc${'A1b2C3d4E5'.repeat(3).slice(0, 28)}:${'x9Y8z7W6v5'.repeat(7).slice(0, 66)}`;
const LEGACY_KEY =
  '2B1C3D4E-1111-2222-3333-444455556666:7F8E9D0C-AAAA-BBBB-CCCC-DDDDEEEEFFFF:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=';
const DSM_KEY = '2:vJC6lckDygB6FYURIvR0WK2ZTAhIY8rb0Amy9UMn4mo=';

describe('CloudOneConnector', () => {
  let plugin: LoadedPlugin;
  // The host's development mode, handed to the plugin through its HttpClientFactory (production by default).
  let dev = false;

  before(async () => {
    plugin = await loadPlugin(__dirname);
  });
  afterEach(() => {
    dev = false;
  });

  const configure = (input: Record<string, unknown>): CloudOneConfig =>
    createTestHost({ development: dev })
      .create<CloudOneConfig>(plugin)
      .configure({ apiKey: CLOUD_ONE_KEY, ...input });
  const failure = (input: Record<string, unknown>): ConnectorError => {
    try {
      configure(input);
    } catch (err) {
      return err as ConnectorError;
    }
    throw new Error('configure() accepted the config');
  };
  const fields = (err: ConnectorError): string[] =>
    err instanceof ConfigurationErrors
      ? err.errors.map((e) => e.field)
      : err instanceof ConfigurationError
        ? [err.field]
        : [];
  const development = (on: boolean): void => {
    dev = on;
  };

  describe('#configure()', () => {
    describe('when the API URL is in one of the documented forms', () => {
      it('should accept every regional URL and normalize a trailing slash, a missing /api and a missing scheme', () => {
        for (const region of CLOUD_ONE_REGIONS) {
          const expected = `https://workload.${region}.cloudone.trendmicro.com/api`;
          for (const input of [
            expected,
            `${expected}/`,
            `https://workload.${region}.cloudone.trendmicro.com`,
            `https://workload.${region}.cloudone.trendmicro.com/`,
            `workload.${region}.cloudone.trendmicro.com/api`,
            `  HTTPS://Workload.${region.toUpperCase()}.CloudOne.TrendMicro.com/API/  `,
          ]) {
            expect(configure({ apiUrl: input }).apiUrl, input).to.equal(expected);
          }
        }
      });

      it('should accept a region the plugin does not list yet, leaving the test to resolve it', () => {
        expect(configure({ apiUrl: 'https://workload.zz-9.cloudone.trendmicro.com' }).apiUrl).to.equal(
          'https://workload.zz-9.cloudone.trendmicro.com/api',
        );
      });

      it('should accept the legacy URLs', () => {
        expect(configure({ apiUrl: 'https://cloudone.trendmicro.com/api' }).apiUrl).to.equal(
          'https://cloudone.trendmicro.com/api',
        );
        expect(configure({ apiUrl: 'https://app.deepsecurity.trendmicro.com' }).apiUrl).to.equal(
          'https://app.deepsecurity.trendmicro.com/api',
        );
        expect(configure({ apiUrl: 'https://cloudone.trendmicro.com:443/api/' }).apiUrl).to.equal(
          'https://cloudone.trendmicro.com/api',
        );
      });

      it('should cut a pasted endpoint path back to the API root', () => {
        expect(
          configure({ apiUrl: 'https://workload.de-1.cloudone.trendmicro.com/api/computers/search' }).apiUrl,
        ).to.equal('https://workload.de-1.cloudone.trendmicro.com/api');
      });

      it('should accept an on-premises manager only with onPremises, keeping its port and path prefix', () => {
        expect(fields(failure({ apiUrl: 'https://dsm.example.com:4119/api' }))).to.deep.equal(['apiUrl']);
        const c = configure({ apiUrl: 'https://DSM.example.com:4119', onPremises: true });
        expect(c.apiUrl).to.equal('https://dsm.example.com:4119/api');
        expect(configure({ apiUrl: 'https://10.0.0.5:4119/proxy/api/', onPremises: true }).apiUrl).to.equal(
          'https://10.0.0.5:4119/proxy/api',
        );
      });

      it('should accept plain http to a loopback address only when the host runs in development', () => {
        development(true);
        expect(configure({ apiUrl: 'http://127.0.0.1:8080/api' }).apiUrl).to.equal(
          'http://127.0.0.1:8080/api',
        );
        expect(configure({ apiUrl: 'http://localhost:8080' }).apiUrl).to.equal('http://localhost:8080/api');
        expect(configure({ apiUrl: 'http://[::1]:8080/api/' }).apiUrl).to.equal('http://[::1]:8080/api');
        development(false);
        const err = failure({ apiUrl: 'http://127.0.0.1:8080/api' });
        expect(fields(err)).to.deep.equal(['apiUrl']);
        expect(err.message).to.match(/only in development/);
        expect(err.hint).to.match(/CONNECTORS_DEV=1/);
      });
    });

    describe('when the API URL is wrong', () => {
      const cases: Array<[string, string, RegExp, Record<string, unknown>?]> = [
        ['plain http to a cloud host', 'http://workload.us-1.cloudone.trendmicro.com/api', /must use https/],
        ['an unknown host', 'https://example.com/api', /not a Cloud One Workload Security endpoint/],
        ['a link-local address', 'https://169.254.10.1/api', /link-local/, { onPremises: true }],
        [
          'the cloud metadata address',
          'http://169.254.169.254/latest/meta-data',
          /metadata/,
          { onPremises: true },
        ],
        ['the metadata address in decimal', 'https://2852039166/api', /metadata/, { onPremises: true }],
        [
          'the metadata address IPv4-mapped',
          'https://[::ffff:169.254.169.254]/api',
          /metadata/,
          { onPremises: true },
        ],
        ['an IPv6 link-local address', 'https://[fe80::1]/api', /link-local/, { onPremises: true }],
        ['the AWS IPv6 metadata address', 'https://[fd00:ec2::254]/api', /metadata/, { onPremises: true }],
        [
          'the metadata address through NAT64',
          'https://[64:ff9b::a9fe:a9fe]/api',
          /metadata/,
          { onPremises: true },
        ],
        ['a GCP metadata name', 'https://metadata.google.internal/api', /metadata/, { onPremises: true }],
        ['the unspecified address', 'https://0.0.0.0/api', /unspecified/, { onPremises: true }],
        [
          'credentials in the URL',
          'https://user:pw@workload.us-1.cloudone.trendmicro.com/api',
          /user name or password/,
        ],
        ['a query string', 'https://workload.us-1.cloudone.trendmicro.com/api?x=1', /query string/],
        ['a path that is not /api', 'https://workload.us-1.cloudone.trendmicro.com/rest', /not the API path/],
        [
          'a proxy prefix on a cloud host',
          'https://workload.us-1.cloudone.trendmicro.com/x/api',
          /not the API path/,
        ],
        ['a port on a cloud host', 'https://workload.us-1.cloudone.trendmicro.com:8443/api', /port 8443/],
        ['another scheme', 'ftp://workload.us-1.cloudone.trendmicro.com/api', /must use https/],
        ['garbage', 'https://exa mple.com', /not a valid URL/],
      ];
      for (const [title, apiUrl, message, extra] of cases) {
        it(`should refuse ${title}, naming apiUrl with a hint`, () => {
          const err = failure({ apiUrl, ...extra });
          expect(fields(err)).to.deep.equal(['apiUrl']);
          expect(err.message).to.match(message);
          expect(err.hint).to.be.a('string').and.not.equal('');
        });
      }

      it('should tell how to use an on-premises manager when the host is unknown', () => {
        expect(failure({ apiUrl: 'https://dsm.corp.local:4119/api' }).hint).to.match(/onPremises/);
      });
    });

    describe('when other settings are wrong', () => {
      const cases: Array<[string, Record<string, unknown>, string]> = [
        ['a missing API URL', { apiUrl: undefined }, 'apiUrl'],
        ['a missing API key', { apiUrl: 'https://cloudone.trendmicro.com/api', apiKey: undefined }, 'apiKey'],
        ['a blank API key', { apiUrl: 'https://cloudone.trendmicro.com/api', apiKey: '   ' }, 'apiKey'],
        [
          'a key with a line break',
          { apiUrl: 'https://cloudone.trendmicro.com/api', apiKey: 'abc\ndef' },
          'apiKey',
        ],
        ['an interval of 0', { apiUrl: 'https://cloudone.trendmicro.com/api', interval: 0 }, 'interval'],
        [
          'an interval above a day',
          { apiUrl: 'https://cloudone.trendmicro.com/api', interval: 1441 },
          'interval',
        ],
        [
          'a fractional interval',
          { apiUrl: 'https://cloudone.trendmicro.com/api', interval: 2.5 },
          'interval',
        ],
        [
          'an unknown content type',
          { apiUrl: 'https://cloudone.trendmicro.com/api', contentTypes: ['alerts'] },
          'contentTypes.0',
        ],
        [
          'no content type',
          { apiUrl: 'https://cloudone.trendmicro.com/api', contentTypes: [] },
          'contentTypes',
        ],
        [
          'a page size above 5000',
          { apiUrl: 'https://cloudone.trendmicro.com/api', pageSize: 5001 },
          'pageSize',
        ],
        [
          'an unknown expand value',
          { apiUrl: 'https://cloudone.trendmicro.com/api', expand: ['everything'] },
          'expand.0',
        ],
        [
          '"all" combined with others',
          { apiUrl: 'https://cloudone.trendmicro.com/api', expand: ['all', 'interfaces'] },
          'expand',
        ],
        [
          'an unknown header scheme',
          { apiUrl: 'https://cloudone.trendmicro.com/api', authScheme: 'basic' },
          'authScheme',
        ],
        [
          'a zero timeout',
          { apiUrl: 'https://cloudone.trendmicro.com/api', requestTimeoutSeconds: 0 },
          'requestTimeoutSeconds',
        ],
        ['an unknown setting', { apiUrl: 'https://cloudone.trendmicro.com/api', region: 'us-1' }, 'region'],
      ];
      for (const [title, input, field] of cases) {
        it(`should refuse ${title}, naming ${field}`, () => {
          expect(fields(failure(input))).to.include(field);
        });
      }

      it('should report several bad fields at once', () => {
        const err = failure({ apiUrl: 'http://example.com', apiKey: 'a b', expand: ['none', 'interfaces'] });
        expect(fields(err)).to.have.members(['apiUrl', 'apiKey', 'expand']);
      });

      it('should never echo the API key in an error', () => {
        const secret = 'tmcSECRETSECRET with spaces';
        const err = failure({ apiUrl: 'ftp://x', apiKey: secret });
        expect(JSON.stringify(err)).to.not.include('SECRETSECRET');
        expect(`${err.message} ${err.hint}`).to.not.include('SECRETSECRET');
      });
    });

    describe('when resolving the key header scheme', () => {
      const regional = 'https://workload.us-1.cloudone.trendmicro.com/api';
      const legacyUrl = 'https://app.deepsecurity.trendmicro.com/api';
      it('should follow the key form: Cloud One key → ApiKey, legacy and manager keys → api-secret-key', () => {
        expect(configure({ apiUrl: legacyUrl, apiKey: CLOUD_ONE_KEY }).authScheme).to.equal('apiKey');
        expect(configure({ apiUrl: regional, apiKey: LEGACY_KEY }).authScheme).to.equal('legacy');
        expect(
          configure({ apiUrl: 'https://dsm.local:4119/api', onPremises: true, apiKey: DSM_KEY }).authScheme,
        ).to.equal('legacy');
      });

      it('should follow the host for a key of no known form, and an explicit setting over both', () => {
        expect(configure({ apiUrl: regional, apiKey: 'opaque-key' }).authScheme).to.equal('apiKey');
        expect(configure({ apiUrl: legacyUrl, apiKey: 'opaque-key' }).authScheme).to.equal('legacy');
        expect(
          configure({ apiUrl: regional, apiKey: CLOUD_ONE_KEY, authScheme: 'legacy' }).authScheme,
        ).to.equal('legacy');
      });

      it('should keep the key a secret and trim pasted whitespace', () => {
        const c = configure({ apiUrl: regional, apiKey: `  ${CLOUD_ONE_KEY}\n` });
        expect(c.apiKey.reveal()).to.equal(CLOUD_ONE_KEY);
        expect(JSON.stringify(c)).to.not.include(CLOUD_ONE_KEY);
      });
    });

    it('should apply the documented defaults and be idempotent on its own output', () => {
      const c = configure({ apiUrl: 'workload.us-1.cloudone.trendmicro.com' });
      expect(c).to.deep.include({
        interval: 5,
        contentTypes: ['computers'],
        pageSize: 1000,
        expand: ['computerStatus', 'interfaces', 'allVirtualMachineSummaries'],
        onPremises: false,
        requestTimeoutSeconds: 60,
        maxRetries: 8,
      });
      const again = createTestHost().create<CloudOneConfig>(plugin).configure(c);
      expect({ ...again, apiKey: again.apiKey.reveal() }).to.deep.equal({ ...c, apiKey: c.apiKey.reveal() });
    });
  });
});
