import { expect } from 'chai';
import sinon from 'sinon';
import { createHash } from 'node:crypto';
import {
  assetId,
  buildEnvelope,
  decodeEntry,
  encodeEntry,
  entryBytes,
  holdEntry,
  isBlank,
  jsonOf,
  pruneBlank,
  type ConnectorInstanceInfo,
  type QueueEntry,
  type SyslogRecord,
} from '../../src/engine';
import { rememberJson } from '../../src/records/raw-json';
import { canonicalize } from '../../src/records/blank';
import { validManifest } from '../helpers/manifest.fixture';

const instance: ConnectorInstanceInfo = { id: 'c1', name: 'edr', tenant: 'acme', type: 'acme-edr' };

describe('buildEnvelope', () => {
  const normalized = {
    key: '7',
    fields: {
      host: { hostname: 'web01', ip: ['10.0.0.1'], mac: [] },
      acme_edr: { id: 7, note: '', tags: [] },
    },
    asset: { identity: { hostId: '7', mac: '' }, hostname: 'web01' },
  };

  it('should wrap fields in the envelope the manifest declares', () => {
    const { entry } = buildEnvelope({
      manifest: validManifest(),
      instance,
      contentType: 'hosts',
      normalized,
      now: 1000,
    });
    expect(entry.record).to.include({ timestamp: 1000, tenant_id: 'acme', msg_class: 'acme_edr_hosts' });
    expect(entry.record.msg_origin).to.deep.equal({
      source: 'acme_edr',
      vendor: 'acme',
      category: 'endpoint',
      processor: { name: 'acme_edr', type: 'log_collector' },
    });
    expect(entry.record.connector).to.deep.equal({ id: 'c1', name: 'edr', type: 'acme-edr' });
  });

  it('should drop blank values', () => {
    const { entry } = buildEnvelope({
      manifest: validManifest(),
      instance,
      contentType: 'hosts',
      normalized,
      now: 1,
    });
    expect(entry.record.host).to.deep.equal({ hostname: 'web01', ip: ['10.0.0.1'] });
    expect(entry.record.acme_edr).to.deep.equal({ id: 7 });
    expect(entry.asset?.identity).to.deep.equal({ hostId: '7' });
  });

  it('should derive the id from tenant, instance, content type, key and the pruned content text', () => {
    const { entry } = buildEnvelope({
      manifest: validManifest(),
      instance,
      contentType: 'hosts',
      normalized,
      now: 1,
    });
    const content = JSON.stringify(pruneBlank(normalized.fields));
    const expected = createHash('sha256')
      .update(['acme', 'c1', 'hosts', normalized.key, content].join('\u0000'))
      .digest('hex')
      .slice(0, 32);
    expect(entry.record.id).to.equal(expected);
  });

  it('should share one frozen connector and origin per run, and follow a renamed instance', () => {
    const inst: ConnectorInstanceInfo = { ...instance };
    const build = (): SyslogRecord =>
      buildEnvelope({ manifest: validManifest(), instance: inst, contentType: 'hosts', normalized, now: 1 })
        .entry.record;
    const manifest = validManifest();
    const a = buildEnvelope({ manifest, instance: inst, contentType: 'hosts', normalized, now: 1 }).entry
      .record;
    const b = buildEnvelope({ manifest, instance: inst, contentType: 'hosts', normalized, now: 2 }).entry
      .record;
    expect(a.connector).to.equal(b.connector);
    expect(Object.isFrozen(a.connector) && Object.isFrozen(a.msg_origin)).to.equal(true);
    inst.name = 'renamed';
    const c = build();
    expect(c.connector.name).to.equal('renamed');
    expect(JSON.parse(jsonOf(c)).connector.name).to.equal('renamed');
  });

  it('should give the same data the same id whatever the time, and changed data a new id', () => {
    const a = buildEnvelope({ manifest: validManifest(), instance, contentType: 'hosts', normalized, now: 1 })
      .entry.record.id;
    const b = buildEnvelope({
      manifest: validManifest(),
      instance,
      contentType: 'hosts',
      normalized,
      now: 99,
    }).entry.record.id;
    const changed = { ...normalized, fields: { ...normalized.fields, host: { hostname: 'web02' } } };
    const c = buildEnvelope({
      manifest: validManifest(),
      instance,
      contentType: 'hosts',
      normalized: changed,
      now: 1,
    }).entry.record.id;
    expect(a).to.equal(b);
    expect(c).not.to.equal(a);
  });

  it('should key the asset on the most trusted identity present', () => {
    const { entry } = buildEnvelope({
      manifest: validManifest(),
      instance,
      contentType: 'hosts',
      normalized,
      now: 5,
    });
    expect(entry.asset?.primaryKey).to.deep.equal({ key: 'hostId', value: '7' });
    const byMac = buildEnvelope({
      manifest: validManifest(),
      instance,
      contentType: 'hosts',
      normalized: { ...normalized, asset: { identity: { mac: 'aa:bb' } } },
      now: 5,
    });
    expect(byMac.entry.asset?.primaryKey.key).to.equal('mac');
  });

  describe('when two connectors of one tenant see the same identity value', () => {
    const other: ConnectorInstanceInfo = { ...instance, id: 'c2', name: 'edr-2' };
    const manifest = validManifest();
    manifest.contentTypes[0].globalIdentityKeys = ['mac'];
    const assetOf = (inst: ConnectorInstanceInfo, identity: Record<string, string>) =>
      buildEnvelope({
        manifest,
        instance: inst,
        contentType: 'hosts',
        normalized: { ...normalized, asset: { identity } },
        now: 5,
      }).entry.asset!;

    it('should keep their assets apart when the key is vendor-local', () => {
      const a = assetOf(instance, { hostId: '7' });
      const b = assetOf(other, { hostId: '7' });
      expect(a.id).not.to.equal(b.id);
      expect(a.id).to.equal(assetId('acme', 'acme_edr', 'hostId', '7', 'c1'));
    });

    it('should join them when the key is declared global', () => {
      const a = assetOf(instance, { mac: 'aa:bb' });
      expect(a.id).to.equal(assetOf(other, { mac: 'aa:bb' }).id);
      expect(a.id).to.equal(assetId('acme', 'acme_edr', 'mac', 'aa:bb'));
    });
  });

  it('should truncate an oversized record by the documented rule and say so', () => {
    const big = {
      key: '1',
      fields: { acme_edr: { blob: 'x'.repeat(20_000), other: 'y'.repeat(5000), id: 1 } },
    };
    const out = buildEnvelope({
      manifest: validManifest(),
      instance,
      contentType: 'hosts',
      normalized: big,
      now: 1,
      maxRecordBytes: 4000,
    });
    expect(out.truncated).to.equal(true);
    expect(Buffer.byteLength(JSON.stringify(out.entry.record))).to.be.at.most(4000);
    expect(out.entry.record.truncated).to.have.property('removed_fields').that.includes('acme_edr.blob');
    expect((out.entry.record.acme_edr as Record<string, unknown>).id).to.equal(1);
  });

  it('should refuse an undeclared content type', () => {
    expect(() =>
      buildEnvelope({ manifest: validManifest(), instance, contentType: 'alerts', normalized, now: 1 }),
    ).to.throw(/not declared/);
  });
});

describe('pruneBlank', () => {
  it('should treat every string trim() empties as blank, and only those', () => {
    for (const blank of ['', ' ', '\t\n', '\u00a0', '\ufeff ', '\u3000', '\u2028']) {
      expect(isBlank(blank), JSON.stringify(blank)).to.equal(true);
    }
    for (const text of ['x', ' x', '\u00a0x', '\u3000\u4e00', '\u1680-']) {
      expect(isBlank(text), JSON.stringify(text)).to.equal(false);
    }
  });

  it('should keep zero and false, drop null, blank strings and empty containers', () => {
    expect(pruneBlank({ a: 0, b: false, c: null, d: '  ', e: [], f: {}, g: [null, 'x'] })).to.deep.equal({
      a: 0,
      b: false,
      g: ['x'],
    });
  });
});

describe('canonicalize', () => {
  it('should equal pruning then stringifying, keys in the order received', () => {
    const a = { z: 1, a: { y: [null, { q: '', p: 2 }], b: ' ', u: undefined }, m: [] };
    expect(canonicalize(a)?.json).to.equal(JSON.stringify(pruneBlank(a)));
    expect(canonicalize(a)?.json).to.equal('{"z":1,"a":{"y":[{"p":2}]}}');
    expect(canonicalize(a)?.value).to.deep.equal({ z: 1, a: { y: [{ p: 2 }] } });
    expect(canonicalize({ only: '', none: undefined })).to.equal(undefined);
  });

  it('should share the subtrees without blanks instead of copying them, and never change its input', () => {
    const clean = { ips: ['10.0.0.1'], os: { name: 'linux' } };
    const input = { host: clean, vendor: { description: '', id: 7, nested: { ok: true } } };
    const before = JSON.stringify(input);
    const out = canonicalize(input)!.value;
    expect(out.host).to.equal(clean);
    expect(out.vendor.nested).to.equal(input.vendor.nested);
    expect(out.vendor).to.not.equal(input.vendor);
    expect(Object.keys(out.vendor)).to.deep.equal(['id', 'nested']);
    expect(JSON.stringify(input)).to.equal(before);
    expect(canonicalize(clean)!.value).to.equal(clean);
  });

  it('should see only own keys, as JSON does, whatever the prototype', () => {
    const proto = { inherited: 'x' };
    const withProto = Object.assign(Object.create(proto) as Record<string, unknown>, { a: 1, b: '' });
    const bare = Object.assign(Object.create(null) as Record<string, unknown>, {
      '2': 'two',
      '1': '',
      z: 'z',
    });
    expect(canonicalize({ withProto, bare })!.json).to.equal(
      '{"withProto":{"a":1},"bare":{"2":"two","z":"z"}}',
    );
  });

  it('should drop undefined array items and keys as blanks, as pruneBlank does', () => {
    const input = { list: ['a', undefined, 'b'], k: undefined, n: 0 };
    expect(canonicalize(input)!.value).to.deep.equal(pruneBlank(input));
    expect(Object.keys(canonicalize(input)!.value)).to.deep.equal(['list', 'n']);
  });
});

describe('buildEnvelope record text', () => {
  const normalized = {
    key: '7',
    fields: { host: { hostname: 'web01', ip: ['10.0.0.1'] }, acme_edr: { id: 7, zeta: 'z', alpha: 'a' } },
  };

  it('should remember JSON text equal to serializing the record', () => {
    const { entry } = buildEnvelope({
      manifest: validManifest(),
      instance,
      contentType: 'hosts',
      normalized,
      now: 3,
    });
    expect(jsonOf(entry.record)).to.equal(JSON.stringify(entry.record));
    expect(JSON.parse(jsonOf(entry.record))).to.deep.equal(entry.record);
  });

  it('should fall back to serializing when a plugin field collides with an envelope key', () => {
    const colliding = { key: '8', fields: { id: 'vendor-id', msg_class: 'x', host: { hostname: 'h' } } };
    const { entry } = buildEnvelope({
      manifest: validManifest(),
      instance,
      contentType: 'hosts',
      normalized: colliding,
      now: 3,
    });
    expect(entry.record.msg_class).to.equal('acme_edr_hosts');
    expect(JSON.parse(jsonOf(entry.record))).to.deep.equal(entry.record);
  });
});

describe('jsonOf / rememberJson', () => {
  it('should give back the remembered text, and not hand it to a copy that may differ', () => {
    const record = { a: 1 };
    rememberJson(record, '{"a":1,"remembered":true}');
    expect(jsonOf(record)).to.equal('{"a":1,"remembered":true}');
    expect(Object.keys(record)).to.deep.equal(['a']);
    expect(JSON.stringify(record)).to.equal('{"a":1}');
    expect(jsonOf({ ...record, b: 2 })).to.equal('{"a":1,"b":2}');
  });

  it('should remember the text of a frozen object too', () => {
    const frozen = Object.freeze({ a: 1 });
    rememberJson(frozen, '{"a": 1}');
    expect(jsonOf(frozen)).to.equal('{"a": 1}');
  });
});

describe('holdEntry / entryBytes', () => {
  const built = () =>
    buildEnvelope({
      manifest: validManifest(),
      instance,
      contentType: 'hosts',
      normalized: {
        key: '7',
        fields: { host: { hostname: 'web01' }, acme_edr: { id: 7, note: 'é' } },
        asset: { identity: { hostId: 'h-7' }, hostname: 'web01' },
      },
      now: 1_700_000_000_000,
      snapshotId: 'snap-1',
    }).entry;

  it('should hold the record as its text and header, and the asset with its JSON kept', () => {
    const entry = built();
    const held = holdEntry(entry) as typeof entry;
    expect(held.record).to.not.equal(entry.record);
    expect(jsonOf(held.record)).to.equal(jsonOf(entry.record));
    expect({ ...held.record }).to.deep.equal(JSON.parse(JSON.stringify(entry.record)));
    expect(held.asset).to.equal(entry.asset);
    expect(held.snapshotId).to.equal('snap-1');
    const expected = JSON.stringify(entry.asset);
    const stringify = sinon.spy(JSON, 'stringify');
    try {
      expect(jsonOf(held.asset!)).to.equal(expected);
      expect(stringify.callCount, 'the asset was serialized again').to.equal(0);
    } finally {
      stringify.restore();
    }
  });

  it('should count the UTF-8 bytes of the entry JSON, as encodeEntry does without the header', () => {
    const entry = built();
    const { fields, bytes } = encodeEntry(entry);
    const header = Buffer.byteLength(fields[fields.indexOf('h') + 1]);
    expect(entryBytes(entry)).to.equal(bytes - header);
    expect(entryBytes(entry)).to.be.greaterThan(JSON.stringify(entry.record).length);
    const marker = { kind: 'snapshot', marker: { snapshotId: 's', phase: 'end' } } as QueueEntry;
    expect(entryBytes(marker)).to.equal(
      Buffer.byteLength(JSON.stringify((marker as { marker: object }).marker)),
    );
  });
});

describe('encodeEntry / decodeEntry', () => {
  it('should round-trip record, asset, snapshot id and markers, keeping the record text', () => {
    const normalized = {
      key: '9',
      fields: { host: { hostname: 'db' } },
      asset: { identity: { hostId: '9' } },
    };
    const { entry } = buildEnvelope({
      manifest: validManifest(),
      instance,
      contentType: 'hosts',
      normalized,
      now: 4,
      snapshotId: 'run-1:hosts',
    });
    const encoded = encodeEntry(entry);
    expect(encoded.bytes).to.equal(
      encoded.fields.filter((_, i) => i % 2 === 1).reduce((n, f) => n + Buffer.byteLength(f), 0),
    );
    const decoded = decodeEntry(encoded.fields);
    expect(decoded).to.deep.equal(entry);
    expect(jsonOf((decoded as typeof entry).record)).to.equal(encoded.fields[1]);
    const marker = {
      kind: 'snapshot' as const,
      marker: {
        snapshotId: 's',
        phase: 'end' as const,
        tenant_id: 't',
        connectorId: 'c',
        contentType: 'hosts',
        at: 1,
        complete: true,
        count: 2,
      },
    };
    expect(decodeEntry(encodeEntry(marker).fields)).to.deep.equal(marker);
    expect(() => decodeEntry(['x', '1'])).to.throw(/no entry fields/);
  });

  it('should serve the header of a record without parsing its text, and parse on first other read', () => {
    const header = JSON.stringify({
      id: 'r1',
      timestamp: 5,
      tenant_id: 't',
      msg_class: 'c',
      connector: { id: 'k' },
    });
    const decoded = decodeEntry(['r', '{"id":"r1",broken}', 'h', header]) as Extract<
      QueueEntry,
      { kind: 'record' }
    >;
    expect(decoded.record.id).to.equal('r1');
    expect(decoded.record.timestamp).to.equal(5);
    expect(decoded.record.connector.id).to.equal('k');
    expect(jsonOf(decoded.record)).to.equal('{"id":"r1",broken}');
    expect(() => decoded.record.msg_origin).to.throw(SyntaxError);
  });

  it('should behave as the plain record once a field beyond the header is read', () => {
    const { entry } = buildEnvelope({
      manifest: validManifest(),
      instance,
      contentType: 'hosts',
      normalized: { key: '9', fields: { host: { hostname: 'db' } }, asset: { identity: { hostId: '9' } } },
      now: 4,
    });
    const decoded = decodeEntry(encodeEntry(entry).fields) as typeof entry;
    expect(decoded.record.host).to.deep.equal({ hostname: 'db' });
    expect(Object.keys(decoded.record)).to.deep.equal(Object.keys(entry.record));
    expect('msg_origin' in decoded.record).to.equal(true);
    expect(JSON.parse(JSON.stringify(decoded.record))).to.deep.equal(entry.record);
  });

  it('should keep record fields named like its own state apart from that state', () => {
    const record = { id: 'r3', timestamp: 1, tenant_id: 't', msg_class: 'c', json: 'x', header: { a: 1 } };
    const fields = [
      'r',
      JSON.stringify(record),
      'h',
      JSON.stringify({ id: 'r3', timestamp: 1, tenant_id: 't', msg_class: 'c' }),
    ];
    const decoded = decodeEntry(fields) as Extract<QueueEntry, { kind: 'record' }>;
    expect(decoded.record.json).to.equal('x');
    expect(decoded.record.id).to.equal('r3');
    expect(decoded.record).to.deep.equal(record);
    const visible = Object.getOwnPropertySymbols(decoded.record).filter(
      (sym) => Object.getOwnPropertyDescriptor(decoded.record, sym)?.enumerable,
    );
    expect(visible).to.deep.equal([]);
  });

  it('should parse at once the entries written without a header (older producers)', () => {
    const record = { id: 'r2', timestamp: 1, tenant_id: 't', msg_class: 'c', x: 1 };
    const decoded = decodeEntry(['r', JSON.stringify(record)]) as Extract<QueueEntry, { kind: 'record' }>;
    expect(decoded.record).to.deep.equal(record);
    expect(() => decodeEntry(['r', '{broken'])).to.throw(SyntaxError);
  });

  it('should refuse at read time a headed record whose text is not a JSON object', () => {
    const header = JSON.stringify({ id: 'r1', timestamp: 5, tenant_id: 't', msg_class: 'c' });
    expect(() => decodeEntry(['r', '[1,2]', 'h', header])).to.throw(/not a JSON object/);
    expect(() => decodeEntry(['r', '{}', 'h', '{}'])).to.throw(/header has no id/);
  });
});
