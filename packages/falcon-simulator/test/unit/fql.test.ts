import { expect } from 'chai';
import { compileFilter, compileSort, QueryError } from '../../src/fql';
import type { FalconDevice } from '../../src/types';

const host = (fields: Partial<FalconDevice>): FalconDevice => fields as FalconDevice;

describe('compileFilter', () => {
  const win = host({
    platform_name: 'Windows',
    last_seen: '2024-06-01T00:00:00Z',
    tags: ['FalconGroupingTags/HQ'],
  });
  const mac = host({ platform_name: 'Mac', last_seen: '2024-05-01T00:00:00Z', tags: [] });

  it('should match equality case-insensitively, with * wildcards and list fields', () => {
    expect(compileFilter("platform_name:'windows'")(win)).to.equal(true);
    expect(compileFilter("platform_name:'windows'")(mac)).to.equal(false);
    expect(compileFilter("tags:'*/HQ'")(win)).to.equal(true);
  });

  it('should compare timestamps with > and combine terms with +', () => {
    const recent = compileFilter("last_seen:>'2024-05-15T00:00:00Z'+platform_name:!'Mac'");
    expect(recent(win)).to.equal(true);
    expect(recent(mac)).to.equal(false);
  });

  it('should refuse a term outside the subset', () => {
    expect(() => compileFilter('platform_name=Windows')).to.throw(QueryError, 'Invalid filter term');
  });
});

describe('compileSort', () => {
  it('should order by a field in either direction and refuse another form', () => {
    const a = host({ hostname: 'a' });
    const b = host({ hostname: 'b' });
    expect([b, a].sort(compileSort('hostname.asc'))).to.deep.equal([a, b]);
    expect([a, b].sort(compileSort('hostname|desc'))).to.deep.equal([b, a]);
    expect(() => compileSort('hostname')).to.throw(QueryError);
  });
});
