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
