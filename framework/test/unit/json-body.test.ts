import { expect } from 'chai';
import {
  buildEnvelope,
  jsonOf,
  parseJsonBody,
  PRUNED_JSON,
  type ConnectorInstanceInfo,
} from '../../src/engine';
import { validManifest } from '../helpers/manifest.fixture';

const marked = (item: unknown): boolean =>
  typeof (item as { [PRUNED_JSON]?: unknown })[PRUNED_JSON] === 'string';
const hosts = [
  { device_id: 'a1', hostname: 'web-1', tags: [], os: { name: 'Linux', build: '' } },
  { device_id: 'b2', hostname: 'db-1', mac: '00-50-56-aa-bb-cc', last_seen: '2026-12-08T00:00:00Z' },
];
const instance: ConnectorInstanceInfo = { id: 'c1', name: 'edr', tenant: 'acme', type: 'acme-edr' };

describe('parseJsonBody', () => {
  it('should mark the objects of a page whose one array sits between other members', () => {
    const text = JSON.stringify({
      meta: { query_time: 0.1, pagination: { offset: 'x' } },
      resources: hosts,
      errors: [],
    });
    const page = parseJsonBody(text) as { resources: unknown[] };
    expect(page).to.deep.equal(JSON.parse(text));
    expect(page.resources.map(marked)).to.deep.equal([true, true]);
    // The record built from a marked object is the one built from an unmarked copy.
    for (const raw of page.resources) {
      const build = (source: unknown) =>
        buildEnvelope({
          manifest: validManifest(),
          instance,
          contentType: 'hosts',
          normalized: { key: 'k', fields: { acme: source } },
          now: 1,
        }).entry.record;
      expect(jsonOf(build(raw))).to.equal(jsonOf(build(JSON.parse(JSON.stringify(raw)))));
    }
  });

  it('should mark the objects of a page that is only the array', () => {
    const page = parseJsonBody(JSON.stringify({ hosts })) as { hosts: unknown[] };
    expect(page.hosts.map(marked)).to.deep.equal([true, true]);
  });

  it('should leave a page unmarked when its text is not in JSON.stringify form or holds two arrays', () => {
    const spaced = parseJsonBody(JSON.stringify({ meta: {}, resources: hosts }, null, 1)) as {
      resources: unknown[];
    };
    expect(spaced.resources.some(marked)).to.equal(false);
    const two = parseJsonBody(JSON.stringify({ resources: hosts, others: hosts })) as {
      resources: unknown[];
    };
    expect(two.resources.some(marked)).to.equal(false);
    // A member before the array that JSON.stringify would write differently (an escape it does not use).
    const escaped = parseJsonBody(`{"meta":"\\u0041","resources":${JSON.stringify(hosts)}}`) as {
      resources: unknown[];
    };
    expect(escaped.resources.some(marked)).to.equal(false);
  });
});
