import { expect } from 'chai';
import { checkSettings, parseSettings } from '../../src/connector.factory';
import { FAKE_MANIFEST } from '../helpers/fake.connector';

describe('parseSettings', () => {
  it('should build nested objects, split array settings on commas and read JSON values', () => {
    expect(
      parseSettings(FAKE_MANIFEST, [
        'apiKey=a=b',
        'contentTypes=hosts, events',
        'nested.deep=1',
        'url={"x":1}',
      ]),
    ).to.deep.equal({
      apiKey: 'a=b',
      contentTypes: ['hosts', 'events'],
      nested: { deep: '1' },
      url: { x: 1 },
    });
  });

  it('should refuse a key path naming __proto__, constructor or prototype, leaving Object.prototype alone', () => {
    for (const pair of [
      '__proto__.apiKey=K',
      '__proto__=1',
      'constructor.prototype.onPremises=true',
      'a.prototype=1',
    ]) {
      expect(() => parseSettings(FAKE_MANIFEST, [pair]), pair).to.throw(
        /set: .* names "(__proto__|constructor|prototype)"/,
      );
    }
    expect(() => parseSettings(FAKE_MANIFEST, ['url={"a":{"__proto__":{"x":1}}}'])).to.throw(
      /url: "a\.__proto__" names a key that is not allowed/,
    );
    expect(({} as Record<string, unknown>).apiKey).to.equal(undefined);
    expect(({} as Record<string, unknown>).onPremises).to.equal(undefined);
  });

  it('should build settings on objects without a prototype', () => {
    const settings = parseSettings(FAKE_MANIFEST, ['nested.deep=1']);
    expect(Object.getPrototypeOf(settings)).to.equal(null);
    expect(Object.getPrototypeOf(settings.nested)).to.equal(null);
  });

  it('should name --set when a pair has no "="', () => {
    expect(() => parseSettings(FAKE_MANIFEST, ['interval'])).to.throw(/set: "interval" is not key=value/);
  });
});

describe('checkSettings', () => {
  it('should default interval and content types from the manifest', () => {
    expect(checkSettings(FAKE_MANIFEST, {})).to.deep.equal({
      intervalMinutes: 5,
      contentTypes: ['hosts', 'events'],
    });
  });

  it('should refuse an interval outside the bounds or that is fixed', () => {
    expect(() => checkSettings(FAKE_MANIFEST, { interval: 61 })).to.throw(
      /interval: 61 minutes is out of bounds/,
    );
    expect(() => checkSettings(FAKE_MANIFEST, { interval: 2.5 })).to.throw(/not a whole number/);
    const fixed = { ...FAKE_MANIFEST, interval: { ...FAKE_MANIFEST.interval, configurable: false } };
    expect(() => checkSettings(fixed, { interval: 10 })).to.throw(/not configurable/);
  });
});
