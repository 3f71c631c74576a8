import { expect } from 'chai';
import { PageItems, pageItems } from '../../src';
import { canonicalize, PRUNED_JSON } from '../../src/records/blank';
import { randomValue, seeded } from '../helpers/random-json';

function prunedJson(item: unknown): string | undefined {
  return (item as { [PRUNED_JSON]?: string })[PRUNED_JSON];
}

/** What a client that parses the whole page gets: the array, undefined, or the thrown error's class. */
function parsedWhole(text: string): unknown {
  try {
    const items = (JSON.parse(text) as Record<string, unknown> | null)?.hosts;
    return Array.isArray(items) ? items : undefined;
  } catch (err) {
    return (err as Error).constructor;
  }
}

/** The same through `pageItems`, read to the end; a throw while reading is reported apart. */
function readLazily(text: string): unknown {
  let items: PageItems | undefined;
  try {
    items = pageItems(text, 'hosts', { peek: ['id'] });
  } catch (err) {
    return (err as Error).constructor;
  }
  if (items === undefined) return undefined;
  try {
    return [...items];
  } catch (err) {
    return `threw while reading: ${(err as Error).message}`;
  }
}

describe('PageItems', () => {
  describe('pageItems()', () => {
    it('should read a canonical page item by item, each parsed when read and marked with its pruned text', () => {
      const hosts = [
        { id: 1, name: 'web01', note: '', tags: [], nested: { a: null } },
        { id: 2, name: 'db01' },
      ];
      const items = pageItems<{ id: number }>(JSON.stringify({ hosts }), 'hosts', { peek: ['id'] })!;
      expect(items.length).to.equal(2);
      expect([...items]).to.deep.equal(hosts);
      expect(prunedJson(items.at(0))).to.equal('{"id":1,"name":"web01"}');
      expect(prunedJson(items.at(1))).to.equal('{"id":2,"name":"db01"}');
      // Nothing is kept: each read is a new object, so the page holds no parsed computers.
      expect(items.at(0)).not.to.equal(items.at(0));
      expect([items.peek(0, 'id'), items.peek(1, 'id')]).to.deep.equal([1, 2]);
    });

    it('should give the items, peeks and marks of JSON.parse and canonicalize for 2,000 random objects', () => {
      const next = seeded(11);
      const hosts = Array.from({ length: 2000 }, (_, i) => ({
        id: next() < 0.1 ? randomValue(next, 1) : i + 1,
        v: randomValue(next, 0),
      }));
      const text = JSON.stringify({ hosts });
      const items = pageItems(text, 'hosts', { peek: ['id', 'v'] })!;
      const parsed = (JSON.parse(text) as { hosts: Array<Record<string, unknown>> }).hosts;
      expect(items.length).to.equal(2000);
      let marked = 0;
      for (let n = 0; n < parsed.length; n++) {
        const item = items.at(n);
        expect(item, `item ${n}`).to.deep.equal(parsed[n]);
        expect(items.peek(n, 'id'), `id of ${n}`).to.deep.equal(parsed[n].id);
        expect(items.peek(n, 'v'), `v of ${n}`).to.deep.equal(parsed[n].v);
        const json = prunedJson(item);
        if (json !== undefined) {
          expect(json, `text of ${n}`).to.equal(canonicalize(parsed[n])!.json);
          marked++;
        }
      }
      expect(marked).to.be.greaterThan(1000);
    });

    it('should take the last of a repeated member, as JSON.parse does', () => {
      const items = pageItems('{"hosts":[{"id":1,"x":{"id":9},"id":2}]}', 'hosts', { peek: ['id', 'x'] })!;
      expect(items.peek(0, 'id')).to.equal(2);
      expect(items.peek(0, 'x')).to.deep.equal({ id: 9 });
      expect(items.at(0)).to.deep.equal({ id: 2, x: { id: 9 } });
    });

    it('should read a page in another form as a whole, with the items of JSON.parse and no marks', () => {
      const hosts = [{ id: 1, name: 'web01', note: '' }, { id: 2 }];
      const texts = [
        JSON.stringify({ hosts }, null, 2),
        JSON.stringify({ total: 2, hosts }),
        JSON.stringify({ hosts: [{ id: 0 }] }).slice(0, -1) + ',"hosts":' + JSON.stringify(hosts) + '}',
        JSON.stringify({ hosts: [...hosts, 3] }),
        `${JSON.stringify({ hosts })} `,
      ];
      for (const text of texts) {
        const items = pageItems(text, 'hosts', { peek: ['id'] })!;
        const parsed = (JSON.parse(text) as { hosts: unknown[] }).hosts;
        expect([...items], text).to.deep.equal(parsed);
        expect(items.at(0), text).to.equal(items.at(0));
        expect(prunedJson(items.at(0)), text).to.equal(undefined);
        expect(items.peek(0, 'id'), text).to.equal((parsed[0] as { id: number }).id);
      }
    });

    it('should parse an object not in canonical form with the page, and still read the others lazily', () => {
      const text = '{"hosts":[{"id":1,"name":"caf\\u00e9"},{"id":2,"size":1.50},{"id":3,"name":""}]}';
      const items = pageItems(text, 'hosts', { peek: ['id'] })!;
      expect([...items]).to.deep.equal((JSON.parse(text) as { hosts: unknown[] }).hosts);
      expect(items.at(0)).to.equal(items.at(0));
      expect(items.at(1)).to.equal(items.at(1));
      expect(items.at(2)).not.to.equal(items.at(2));
      expect([0, 1, 2].map((n) => prunedJson(items.at(n)))).to.deep.equal([undefined, undefined, '{"id":3}']);
      expect([0, 1, 2].map((n) => items.peek(n, 'id'))).to.deep.equal([1, 2, 3]);
    });

    it('should be undefined for a page without an array under the key, and empty for an empty array', () => {
      for (const text of ['{"items":[]}', '{"hosts":5}', '{"hosts":{}}', 'null', '[]', '"hosts"']) {
        expect(pageItems(text, 'hosts'), text).to.equal(undefined);
      }
      expect(pageItems('{"hosts":[]}', 'hosts')!.length).to.equal(0);
    });

    it('should throw SyntaxError when the page is read, never while its items are, for malformed JSON', () => {
      const malformed = [
        '{"hosts":[{"id":1},]}',
        '{"hosts":[{"id":1,"name":"web',
        '{"hosts":[{"id":tru}]}',
        '{"hosts":[{"id":nul}]}',
        '{"hosts":[{"id":[1}]}',
        '{"hosts":[{"id":{"a":1]]}]}',
        '{"hosts":[{"id":01}]}',
        '{"hosts":[{"id":1.}]}',
        '{"hosts":[{"id":-}]}',
        '{"hosts":[{"id":"a\\xb"}]}',
        '{"hosts":[{"id":"a\\u12"}]}',
        '{"hosts":[{"id":"tab\there"}]}',
        '{"hosts":[{"id":"nul\u0000"}]}',
        '{"hosts":[{"id":1}{"id":2}]}',
        '{"hosts":[{"id":1,"n":"a\\"}]}',
        '{"hosts":[{1:2}]}',
      ];
      for (const text of malformed) {
        expect(() => JSON.parse(text), text).to.throw(SyntaxError);
        expect(readLazily(text), text).to.equal(SyntaxError);
      }
    });

    it('should match JSON.parse on 6,000 pages with one character changed, failing only when reading the page', () => {
      const next = seeded(23);
      const alphabet = '{}[],:"\\ 0159.-+eEtrufalsn\u0001\u00e9';
      let differentFromOriginal = 0;
      for (let round = 0; round < 6000; round++) {
        const hosts = Array.from({ length: 3 }, (_, i) => ({ id: i + 1, v: randomValue(next, 1) }));
        const text = JSON.stringify({ hosts });
        const at = 10 + Math.floor(next() * (text.length - 10));
        const ch = alphabet[Math.floor(next() * alphabet.length)];
        const how = Math.floor(next() * 3);
        const changed =
          how === 0
            ? text.slice(0, at) + text.slice(at + 1)
            : how === 1
              ? text.slice(0, at) + ch + text.slice(at)
              : text.slice(0, at) + ch + text.slice(at + 1);
        if (changed !== text) differentFromOriginal++;
        expect(readLazily(changed), changed).to.deep.equal(parsedWhole(changed));
      }
      expect(differentFromOriginal).to.be.greaterThan(5000);
    });
  });

  describe('#peek()', () => {
    it('should refuse a member that was not asked for, and be undefined for one an object lacks', () => {
      const items = pageItems('{"hosts":[{"id":1},{"name":"x"}]}', 'hosts', { peek: ['id'] })!;
      expect(() => items.peek(0, 'name')).to.throw(RangeError, /"name" is not among the peeked members/);
      expect(items.peek(1, 'id')).to.equal(undefined);
    });
  });

  describe('#pick()', () => {
    it('should hold the items at the given indexes, in that order, lazily as before', () => {
      const items = pageItems('{"hosts":[{"id":1},{"id":2},{"id":3}]}', 'hosts', { peek: ['id'] })!;
      const picked = items.pick([2, 0]);
      expect(picked.length).to.equal(2);
      expect([...picked]).to.deep.equal([{ id: 3 }, { id: 1 }]);
      expect(picked.peek(1, 'id')).to.equal(1);
      expect(prunedJson(picked.at(0))).to.equal('{"id":3}');
      expect([...picked.pick([1])]).to.deep.equal([{ id: 1 }]);
      expect(() => items.pick([3])).to.throw(RangeError, /item 3 is outside the page's 3 items/);
    });
  });

  describe('.of()', () => {
    it('should serve parsed items with the same reads', () => {
      const items = PageItems.of([{ id: 5 }, { id: 6 }], { peek: ['id'] });
      expect([items.length, items.peek(1, 'id'), items.at(0)]).to.deep.equal([2, 6, { id: 5 }]);
      expect([...items.pick([1])]).to.deep.equal([{ id: 6 }]);
      expect(() => items.at(-1)).to.throw(RangeError);
    });
  });
});
