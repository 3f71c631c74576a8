import { expect } from 'chai';
import { jsonPath } from '../../src';
import { whereClause } from '../../src/lake.query';

describe('jsonPath', () => {
  it('should quote object keys and index arrays', () => {
    expect(jsonPath('trendmicro_cloudone.platform')).to.equal('$."trendmicro_cloudone"."platform"');
    expect(jsonPath('host.ip.0')).to.equal('$."host"."ip"[0]');
  });

  it('should refuse paths that could escape the JSON path syntax', () => {
    expect(() => jsonPath('host"].x')).to.throw(/invalid field path/);
    expect(() => jsonPath('')).to.throw(/invalid field path/);
    expect(() => jsonPath('a..b')).to.throw(/invalid field path/);
  });
});

describe('whereClause', () => {
  it('should use the indexed columns for tenant, time and msg_class equality', () => {
    const { sql, params } = whereClause({
      tenant: 't1',
      since: 10,
      until: 20,
      where: [{ path: 'msg_class', value: 'c' }],
    });
    expect(sql).to.equal('WHERE r.tenant = ? AND r.ts >= ? AND r.ts < ? AND r.msg_class = ?');
    expect(params).to.deep.equal(['t1', 10, 20, 'c']);
  });

  it('should require a value for comparisons', () => {
    expect(() => whereClause({ where: [{ path: 'host.hostname', op: 'eq' }] })).to.throw(/needs a value/);
  });

  it('should refuse an unknown operator', () => {
    expect(() => whereClause({ where: [{ path: 'a', op: 'like' as 'eq', value: 'x' }] })).to.throw(
      /unknown condition/,
    );
  });
});
