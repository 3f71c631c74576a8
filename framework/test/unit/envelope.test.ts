import { expect } from 'chai';
import {
  buildEnvelope,
  decodeEntry,
  encodeEntry,
  jsonOf,
  pruneBlank,
  stableStringify,
  type ConnectorInstanceInfo,
} from '../../src';
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
  it('should keep zero and false, drop null, blank strings and empty containers', () => {
    expect(pruneBlank({ a: 0, b: false, c: null, d: '  ', e: [], f: {}, g: [null, 'x'] })).to.deep.equal({
      a: 0,
      b: false,
      g: ['x'],
    });
  });
});

describe('canonicalize', () => {
  it('should equal pruning then stable stringifying, whatever the key order', () => {
    const a = { z: 1, a: { y: [null, { q: '', p: 2 }], b: ' ' }, m: [] };
    const b = { m: [], a: { b: ' ', y: [{ p: 2, q: '' }, null] }, z: 1 };
    expect(canonicalize(a)?.json).to.equal(stableStringify(pruneBlank(a)));
    expect(canonicalize(a)?.json).to.equal(canonicalize(b)?.json);
    expect(canonicalize({ only: '' })).to.equal(undefined);
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
});
