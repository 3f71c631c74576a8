import { expect } from 'chai';
import { inspect } from 'node:util';
import { Writable } from 'node:stream';
import {
  ConfigSchema,
  ConfigurationErrors,
  ConnectorError,
  createLogger,
  Secret,
  toConnectorError,
} from '../../src/engine';
import { validManifest } from '../helpers/manifest.fixture';

const KEY = 'sk-live-0123456789abcdef';

function schema(): ConfigSchema {
  return new ConfigSchema(validManifest().configSchema);
}

function errorsOf(fn: () => unknown): ConfigurationErrors {
  try {
    fn();
  } catch (err) {
    expect(err).to.be.instanceOf(ConfigurationErrors);
    return err as ConfigurationErrors;
  }
  throw new Error('expected a configuration error');
}

describe('ConfigSchema', () => {
  describe('#resolve', () => {
    it('should apply defaults and coerce CLI strings', () => {
      const cfg = schema().resolve({ apiUrl: 'https://api.acme.test', apiKey: KEY, interval: '15' });
      expect(cfg.interval).to.equal(15);
      expect(schema().resolve({ apiUrl: 'https://api.acme.test', apiKey: KEY }).interval).to.equal(5);
    });

    it('should name a missing field and say how to fix it', () => {
      const err = errorsOf(() => schema().resolve({ apiUrl: 'https://api.acme.test' }));
      expect(err.errors[0].field).to.equal('apiKey');
      expect(err.message).to.contain('apiKey: is required');
      expect(err.errors[0].hint).to.contain('Settings > API');
    });

    it('should name an out-of-range field with its bounds', () => {
      const err = errorsOf(() =>
        schema().resolve({ apiUrl: 'https://api.acme.test', apiKey: KEY, interval: 0 }),
      );
      expect(err.errors[0].field).to.equal('interval');
      expect(err.errors[0].hint).to.equal('Use a value from 1 to 1440.');
    });

    it('should refuse an unknown setting and list the known ones', () => {
      const err = errorsOf(() =>
        schema().resolve({ apiUrl: 'https://api.acme.test', apiKey: KEY, apiURL: 'x' }),
      );
      expect(err.errors[0].field).to.equal('apiURL');
      expect(err.errors[0].hint).to.contain('apiUrl');
    });

    it('should report every bad field at once', () => {
      const err = errorsOf(() => schema().resolve({ apiUrl: 12, interval: 'often' }));
      expect(err.errors.map((e) => e.field)).to.include.members(['apiKey', 'apiUrl', 'interval']);
    });

    it('should never put a secret value in a validation error', () => {
      const err = errorsOf(() => schema().resolve({ apiUrl: 'not a url', apiKey: 'short' }));
      expect(JSON.stringify(err)).not.to.contain('short"');
      expect(err.message).not.to.contain('short ');
    });

    it('should accept an already resolved config again (secrets revealed for validation only)', () => {
      const once = schema().resolve({ apiUrl: 'https://api.acme.test', apiKey: KEY });
      const twice = schema().resolve(once);
      expect((twice.apiKey as Secret).reveal()).to.equal(KEY);
    });
  });

  describe('secret redaction', () => {
    const resolved = (): Record<string, unknown> =>
      schema().resolve({ apiUrl: 'https://api.acme.test', apiKey: KEY, nested: { token: 'tok-9876543210' } });

    it('should wrap secret fields, top-level and nested, in Secret', () => {
      const cfg = resolved();
      expect(cfg.apiKey).to.be.instanceOf(Secret);
      expect((cfg.nested as Record<string, unknown>).token).to.be.instanceOf(Secret);
      expect((cfg.apiKey as Secret).reveal()).to.equal(KEY);
    });

    it('should redact in JSON.stringify', () => {
      const text = JSON.stringify(resolved());
      expect(text).not.to.contain(KEY).and.not.to.contain('tok-9876543210');
      expect(text).to.contain('[REDACTED]');
    });

    it('should redact in util.inspect and console-style formatting', () => {
      const text = inspect(resolved(), { depth: 10, showHidden: true });
      expect(text).not.to.contain(KEY);
      expect(`${resolved().apiKey}`).to.equal('[REDACTED]');
      expect(String(resolved().apiKey)).to.equal('[REDACTED]');
    });

    it('should redact in structured logs, including plain keys that slipped through', () => {
      const lines: string[] = [];
      const sink = new Writable({
        write(chunk, _enc, cb) {
          lines.push(String(chunk));
          cb();
        },
      });
      const logger = createLogger({ destination: sink, level: 'info' });
      logger.info({ config: resolved() }, 'configured');
      logger.info({ headers: { authorization: `ApiKey ${KEY}` }, apiKey: KEY }, 'raw');
      expect(lines.join('')).not.to.contain(KEY);
      expect(lines.join('')).to.contain('[REDACTED]');
    });

    it('should redact in errors that embed the config', () => {
      const err = new ConnectorError('X', `bad config ${JSON.stringify(resolved())}`, {
        details: { config: resolved() },
      });
      expect(JSON.stringify(err)).not.to.contain(KEY);
      expect(err.message).not.to.contain(KEY);
      expect(inspect(toConnectorError(err))).not.to.contain(KEY);
    });

    it('should produce a display copy with secrets replaced', () => {
      const shown = schema().redact(resolved());
      expect(shown.apiKey).to.equal('[REDACTED]');
      expect((shown.nested as Record<string, unknown>).token).to.equal('[REDACTED]');
      expect(shown.apiUrl).to.equal('https://api.acme.test');
    });
  });
});
