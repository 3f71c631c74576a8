import { expect } from 'chai';
import { matches, matchesId, parseSearchFilter, SearchError } from '../../src/search/search-filter';

const limits = { maxItemsCap: 5000, overCap: 'clamp' as const };

describe('parseSearchFilter', () => {
  it('should default to 5000 items, unsorted, no criteria (also for a missing body)', () => {
    const f = parseSearchFilter(undefined, limits);
    expect(f).to.include({
      maxItems: 5000,
      sortByObjectID: false,
      idAfter: 0,
      idBefore: Infinity,
      needsObject: false,
    });
    expect(f.criteria).to.deep.equal([]);
  });

  it('should accept booleans and numbers sent as strings, as production does', () => {
    const f = parseSearchFilter(
      { maxItems: '10', sortByObjectID: 'true', searchCriteria: [{ idTest: 'greater-than', idValue: '42' }] },
      limits,
    );
    expect(f).to.include({ maxItems: 10, sortByObjectID: true, idAfter: 42 });
    expect(parseSearchFilter({ sortByObjectID: 'FALSE' }, limits).sortByObjectID).to.equal(false);
  });

  it('should clamp maxItems to the cap, or refuse it when configured to', () => {
    expect(parseSearchFilter({ maxItems: 9000 }, limits).maxItems).to.equal(5000);
    expect(() => parseSearchFilter({ maxItems: 9000 }, { maxItemsCap: 5000, overCap: 'error' })).to.throw(
      SearchError,
      /5000/,
    );
    expect(() => parseSearchFilter({ maxItems: -1 }, limits)).to.throw(SearchError, /maxItems/);
  });

  it('should derive ID bounds from every ID comparison (also with fieldName "ID" and the old misspelling)', () => {
    expect(
      parseSearchFilter(
        { searchCriteria: [{ fieldName: 'ID', idTest: 'greather-than-or-equal', idValue: 10 }] },
        limits,
      ).idAfter,
    ).to.equal(9);
    const f = parseSearchFilter(
      {
        searchCriteria: [
          { idTest: 'greater-than', idValue: 5 },
          { idTest: 'less-than-or-equal', idValue: 8 },
        ],
      },
      limits,
    );
    expect([f.idAfter, f.idBefore]).to.deep.equal([5, 9]);
    expect(matchesId(7, f.criteria)).to.equal(true);
    expect(matchesId(9, f.criteria)).to.equal(false);
  });

  it('should refuse unknown fields, unsearchable objects, wrong test types and bad operators', () => {
    const bad =
      (c: unknown): (() => unknown) =>
      () =>
        parseSearchFilter({ searchCriteria: [c] }, limits);
    expect(bad({ fieldName: 'nope', stringValue: 'x' })).to.throw(SearchError, /Invalid field name: nope/);
    expect(bad({ fieldName: 'computerStatus', stringValue: 'x' })).to.throw(SearchError, /not searchable/);
    expect(bad({ fieldName: 'hostName', numericValue: 1 })).to.throw(
      SearchError,
      /not searchable as Numeric/,
    );
    expect(bad({ idTest: 'bigger', idValue: 1 })).to.throw(SearchError, /idTest/);
    expect(bad({ fieldName: 'policyID', idValue: 1 })).to.throw(SearchError, /must not name a field/);
    expect(bad({ fieldName: 'hostName' })).to.throw(SearchError, /no test/);
  });
});

describe('matches', () => {
  const computer = {
    ID: 5,
    hostName: 'MS-AD-SRV-01',
    displayName: '',
    policyID: 3,
    agentVersion: '20.0.1.690',
    lastAgentCommunication: 1000,
    ec2VirtualMachineSummary: { accountID: '123456789012' },
  };
  const crit = (...c: unknown[]) => parseSearchFilter({ searchCriteria: c }, limits).criteria;

  it('should apply % and _ as SQL LIKE wildcards unless wildcards are off', () => {
    expect(matches(computer, crit({ fieldName: 'hostName', stringValue: 'MS-AD-SRV-%' }))).to.equal(true);
    expect(matches(computer, crit({ fieldName: 'hostName', stringValue: 'MS-AD-SRV-0_' }))).to.equal(true);
    expect(
      matches(computer, crit({ fieldName: 'hostName', stringValue: 'MS-AD-SRV-%', stringWildcards: false })),
    ).to.equal(false);
    expect(
      matches(computer, crit({ fieldName: 'hostName', stringTest: 'not-equal', stringValue: 'x%' })),
    ).to.equal(true);
  });

  it('should compare numbers, versions and date ranges with their inclusive flags', () => {
    expect(
      matches(computer, crit({ fieldName: 'policyID', numericTest: 'less-than', numericValue: 4 })),
    ).to.equal(true);
    expect(
      matches(
        computer,
        crit({ fieldName: 'agentVersion', versionTest: 'greater-than', versionValue: '20.0.1.9' }),
      ),
    ).to.equal(true);
    expect(
      matches(
        computer,
        crit({ fieldName: 'lastAgentCommunication', firstDateValue: 1000, lastDateValue: 2000 }),
      ),
    ).to.equal(true);
    expect(
      matches(
        computer,
        crit({ fieldName: 'lastAgentCommunication', firstDateValue: 1000, firstDateInclusive: false }),
      ),
    ).to.equal(false);
  });

  it('should read nested a/b fields and treat missing fields as null (matched only by nullTest)', () => {
    expect(
      matches(computer, crit({ fieldName: 'ec2VirtualMachineSummary/accountID', stringValue: '1234%' })),
    ).to.equal(true);
    expect(matches(computer, crit({ fieldName: 'lastSendPolicySuccess', nullTest: true }))).to.equal(true);
    expect(matches(computer, crit({ fieldName: 'lastSendPolicySuccess', firstDateValue: 0 }))).to.equal(
      false,
    );
    expect(matches(computer, crit({ fieldName: 'description', stringValue: '%' }))).to.equal(false);
    expect(
      matches(
        computer,
        crit({ fieldName: 'hostName', nullTest: false }, { fieldName: 'policyID', numericValue: 3 }),
      ),
    ).to.equal(true);
  });
});
