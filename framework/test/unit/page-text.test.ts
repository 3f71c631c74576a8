import { expect } from 'chai';
import { buildEnvelope, holdEntry, jsonOf, type ConnectorInstanceInfo } from '../../src/engine';
import { adoptPageTexts } from '../../src/records/page-text';
import { canonicalize, PRUNED_JSON, splicedMembers } from '../../src/records/blank';
import { validManifest } from '../helpers/manifest.fixture';
import { randomValue, seeded } from '../helpers/random-json';

const instance: ConnectorInstanceInfo = { id: 'c1', name: 'edr', tenant: 'acme', type: 'acme-edr' };

/** The page as a client receives it, parsed as the plugin parses it. */
function page(items: unknown[], text = JSON.stringify({ hosts: items })): { text: string; items: object[] } {
  return { text, items: (JSON.parse(text) as { hosts: object[] }).hosts };
}

/** `canonicalize(fields).json` as the envelope makes it from known texts. */
function splicedJson(fields: unknown): string | undefined {
  const members = splicedMembers(fields);
  return members === undefined ? undefined : `{${members}}`;
}

function prunedJson(item: object): string | undefined {
  return (item as { [PRUNED_JSON]?: string })[PRUNED_JSON];
}

describe('adoptPageTexts', () => {
  describe('#adoptPageTexts', () => {
    it('should mark each object with its text, blank members cut out, equal to canonicalize', () => {
      const items = [
        { ID: 1, name: 'web01', note: '', tags: [], nested: { a: null, b: { c: [] } }, list: [null, 1, ''] },
        { ID: 2, blankFirst: null, kept: 'x', blankLast: '  ' },
        { ID: 3, only: { deeper: { deepest: [{}, [], null] } }, after: false },
      ];
      const p = page(items);
      expect(adoptPageTexts(p.text, 'hosts', p.items)).to.equal(3);
      p.items.forEach((item) => expect(prunedJson(item)).to.equal(canonicalize(item)!.json));
      expect(prunedJson(p.items[2])).to.equal('{"ID":3,"after":false}');
    });

    it('should agree with canonicalize on 2,000 random objects, or leave them unmarked', () => {
      const next = seeded(7);
      const items = Array.from({ length: 2000 }, (_, i) => ({ ID: i + 1, v: randomValue(next, 0) }));
      const p = page(items);
      const marked = adoptPageTexts(p.text, 'hosts', p.items);
      for (const item of p.items) {
        const text = prunedJson(item);
        if (text !== undefined) expect(text).to.equal(canonicalize(item)!.json);
      }
      // Unmarked are only the objects with a number not in shortest form or an escape it does not keep.
      expect(marked).to.be.greaterThan(1500);
    });

    it('should leave unmarked an object whose text JSON.stringify would write otherwise', () => {
      const cases = [
        '{"ID":1, "a":1}', // white space
        '{"ID":1,"a":"\\u0041"}', // an escape JSON.stringify does not write
        '{"ID":1,"a":"\\/"}',
        '{"ID":1,"a":1.50}', // not the shortest form of the number
        '{"ID":1,"a":1E3}',
        '{"ID":1,"a":-0}',
        '{"ID":1,"a":12345678901234567890}',
        '{"ID":1,"7":"x"}', // an index key: the runtime lists it first
        '{"ID":1,"a":"\\n "}', // blank once unescaped
        '{"ID":1,"a":" \\n"}',
      ];
      for (const item of cases) {
        const p = page([], `{"hosts":[${item}]}`);
        expect(adoptPageTexts(p.text, 'hosts', p.items), item).to.equal(0);
        expect(prunedJson(p.items[0]), item).to.equal(undefined);
      }
    });

    it('should keep the escapes and numbers JSON.stringify writes', () => {
      const items = [
        { ID: 1, a: 'q"b\\s\n\t\r\b\f', n: -12, f: 0.5, e: 1e21, big: 123456789012345, u: 'é日本' },
      ];
      const p = page(items);
      expect(adoptPageTexts(p.text, 'hosts', p.items)).to.equal(1);
      expect(prunedJson(p.items[0])).to.equal(JSON.stringify(items[0]));
    });

    it('should mark nothing when the page is not exactly {"<key>":[…]} for these items', () => {
      const items = [{ ID: 1 }, { ID: 2 }];
      const forms = [
        `{ "hosts": ${JSON.stringify(items)} }`,
        `{"hosts":${JSON.stringify(items)},"next":null}`,
        `{"other":[{"ID":9},{"ID":8}],"hosts":${JSON.stringify(items)}}`,
        // A repeated key: the parser keeps the last array; the first must not be taken for it.
        `{"hosts":[{"ID":9},{"ID":8}],"hosts":${JSON.stringify(items)}}`,
      ];
      for (const text of forms) {
        const p = page([], text);
        expect(adoptPageTexts(text, 'hosts', p.items), text).to.equal(0);
      }
      const p = page(items);
      expect(adoptPageTexts(p.text, 'hosts', p.items.slice(1)), 'fewer items than the page').to.equal(0);
      expect(adoptPageTexts(p.text, 'hosts', [...p.items, { ID: 3 }]), 'more items').to.equal(0);
      expect(adoptPageTexts(p.text, 'computers', p.items), 'another key').to.equal(0);
    });

    it('should leave a page nested deeper than it follows to the parsed path', () => {
      let deep: unknown = { leaf: 1 };
      for (let i = 0; i < 70; i++) deep = { d: deep };
      const p = page([{ ID: 1 }, { ID: 2, deep }]);
      expect(adoptPageTexts(p.text, 'hosts', p.items)).to.equal(0);
      const shallow = page([{ ID: 1 }, { ID: 2, deep: { d: { d: { leaf: '' } } } }]);
      expect(adoptPageTexts(shallow.text, 'hosts', shallow.items)).to.equal(2);
      expect(prunedJson(shallow.items[1])).to.equal('{"ID":2}');
    });

    it('should leave the objects as they were parsed: the mark is invisible to JSON, keys and equality', () => {
      const p = page([{ ID: 1, note: '' }]);
      adoptPageTexts(p.text, 'hosts', p.items);
      expect(p.items[0]).to.deep.equal({ ID: 1, note: '' });
      expect(Object.keys(p.items[0])).to.deep.equal(['ID', 'note']);
      expect(JSON.stringify(p.items[0])).to.equal('{"ID":1,"note":""}');
      expect(prunedJson({ ...p.items[0] })).to.equal(undefined);
    });
  });
});

describe('splicedJson', () => {
  it('should equal canonicalize, members whose text is known taken as they are', () => {
    const p = page([{ ID: 1, note: '', os: 'linux' }]);
    adoptPageTexts(p.text, 'hosts', p.items);
    const fields = { host: { name: 'web01', mac: [] }, empty: { a: '' }, acme_edr: p.items[0], fn: () => 1 };
    expect(splicedJson(fields)).to.equal(canonicalize(fields)!.json);
    expect(splicedJson(fields)).to.equal('{"host":{"name":"web01"},"acme_edr":{"ID":1,"os":"linux"}}');
  });

  it('should keep an own "__proto__" member, as JSON does', () => {
    const p = page([{ ID: 1 }]);
    adoptPageTexts(p.text, 'hosts', p.items);
    const fields = JSON.parse('{"a":{"x":1},"__proto__":{"y":2},"b":{"z":""}}') as Record<string, unknown>;
    fields.acme_edr = p.items[0];
    expect(splicedJson(fields)).to.equal('{"a":{"x":1},"__proto__":{"y":2},"acme_edr":{"ID":1}}');
  });

  it('should give undefined when no member carries its text', () => {
    expect(splicedJson({ host: { name: 'web01' } })).to.equal(undefined);
    expect(splicedJson([1])).to.equal(undefined);
    expect(splicedJson('x')).to.equal(undefined);
  });
});

describe('buildEnvelope from page texts', () => {
  const manifest = validManifest();

  function build(vendor: object, extra: Record<string, unknown> = {}) {
    return buildEnvelope({
      manifest,
      instance,
      contentType: 'hosts',
      normalized: {
        key: '7',
        fields: { host: { hostname: 'web01', ip: [] }, ...extra, acme_edr: vendor },
        asset: { identity: { hostId: '7' }, hostname: 'web01' },
      },
      now: 1000,
    });
  }

  it('should give the same id, text and record as the parsed path', () => {
    const vendor = { id: 7, note: '', tags: ['a', ''], nested: { x: null } };
    const p = page([vendor]);
    expect(adoptPageTexts(p.text, 'hosts', p.items)).to.equal(1);
    const fromText = build(p.items[0]).entry;
    const fromObject = build(JSON.parse(JSON.stringify(vendor)) as object).entry;
    expect(fromText.record.id).to.equal(fromObject.record.id);
    expect(jsonOf(fromText.record)).to.equal(jsonOf(fromObject.record));
    expect(jsonOf(fromText.record)).to.equal(JSON.stringify(fromObject.record));
    expect(fromText.record).to.deep.equal(fromObject.record);
    expect(fromText.asset).to.deep.equal(fromObject.asset);
    expect(fromText.record.acme_edr).to.deep.equal({ id: 7, tags: ['a'] });
  });

  it('should be held by the in-process queue as it is, already in the form it holds', () => {
    const p = page([{ id: 7 }]);
    adoptPageTexts(p.text, 'hosts', p.items);
    const { entry } = build(p.items[0]);
    const held = holdEntry(entry) as typeof entry;
    expect(held.record).to.equal(entry.record);
    expect(jsonOf(held.record)).to.equal(jsonOf(entry.record));
    // A record built as an object is still reduced to its text and header.
    const plain = build({ id: 7 }).entry;
    expect((holdEntry(plain) as typeof plain).record).to.not.equal(plain.record);
  });

  it('should serve the header without parsing, and the fields once read', () => {
    const p = page([{ id: 7, os: 'linux' }]);
    adoptPageTexts(p.text, 'hosts', p.items);
    const { record } = build(p.items[0]).entry;
    expect(record).to.include({ timestamp: 1000, tenant_id: 'acme', msg_class: 'acme_edr_hosts' });
    expect(record.connector).to.deep.equal({ id: 'c1', name: 'edr', type: 'acme-edr' });
    expect(record.msg_origin.source).to.equal('acme_edr');
    expect(record.host).to.deep.equal({ hostname: 'web01' });
  });

  it('should truncate an oversized record by the same rule as the parsed path', () => {
    const vendor = { id: 7, big: 'x'.repeat(300 * 1024), small: 'y' };
    const p = page([vendor]);
    adoptPageTexts(p.text, 'hosts', p.items);
    const fromText = build(p.items[0]);
    const fromObject = build({ ...vendor });
    expect(fromText.truncated).to.equal(true);
    expect(fromText.entry.record).to.deep.equal(fromObject.entry.record);
  });

  it('should take the parsed path when a field takes an envelope key', () => {
    const p = page([{ id: 7 }]);
    adoptPageTexts(p.text, 'hosts', p.items);
    const { record } = build(p.items[0], { msg_class: 'mine' }).entry;
    expect(record.msg_class).to.equal('acme_edr_hosts');
    expect(jsonOf(record)).to.equal(JSON.stringify(record));
  });
});
