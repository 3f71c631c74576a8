import { expect } from 'chai';
import { compileFilter, ExcludeFilters, parseCondition, valuesAt } from '../../src/filters/log-filter';

const record = {
  msg_class: 'trendmicro_cloudone_computers',
  host: {
    hostname: 'web-1',
    ip: ['10.0.0.1', '10.0.0.2'],
    os: { full: 'Microsoft Windows Server 2019 (64 bit)' },
  },
  trendmicro_cloudone: {
    agentVersion: '0.0.0.0',
    interfaces: [{ name: 'eth0', mac: 'aa:bb' }, { name: 'eth1' }],
  },
  blank: '',
};

describe('parseCondition', () => {
  it('should read FIELD OPERATOR VALUE with the value keeping its spaces', () => {
    expect(parseCondition('host.os.full contains Windows Server')).to.deep.equal({
      field: 'host.os.full',
      operator: 'contains',
      values: ['Windows Server'],
    });
  });

  it('should split the values of "in" on commas and take no value for "exists"', () => {
    expect(parseCondition('host.ip in 10.0.0.1, 10.0.0.9').values).to.deep.equal(['10.0.0.1', '10.0.0.9']);
    expect(parseCondition('cloud.provider exists').values).to.deep.equal([]);
  });

  it('should name the field and list the operators for an unknown operator', () => {
    expect(() => parseCondition('host.ip like 10.%'))
      .to.throw(/when: unknown operator "like"/)
      .with.property('hint')
      .that.contains('equals, not-equals, contains, matches, in, exists');
  });

  it('should refuse a bad regular expression, a missing value and a value on exists', () => {
    expect(() => parseCondition('host.hostname matches (')).to.throw(/not a valid regular expression/);
    expect(() => parseCondition('host.hostname equals')).to.throw(/needs one value/);
    expect(() => parseCondition('host.hostname exists yes')).to.throw(/takes no value/);
    expect(() => parseCondition('nonsense')).to.throw(/is not FIELD OPERATOR/);
  });

  it('should refuse a field path naming __proto__, constructor or prototype', () => {
    expect(() => parseCondition('constructor exists')).to.throw(/when: "constructor" names "constructor"/);
    expect(() => parseCondition('host.__proto__.x equals 1')).to.throw(/names "__proto__"/);
  });
});

describe('valuesAt', () => {
  it('should flatten arrays along the path and skip blanks', () => {
    expect(valuesAt(record, 'host.ip')).to.deep.equal(['10.0.0.1', '10.0.0.2']);
    expect(valuesAt(record, 'trendmicro_cloudone.interfaces.mac')).to.deep.equal(['aa:bb']);
    expect(valuesAt(record, 'blank')).to.deep.equal([]);
    expect(valuesAt(record, 'missing.path')).to.deep.equal([]);
  });
});

describe('compileFilter', () => {
  const matches = (...conditions: string[]): boolean =>
    compileFilter({ name: 'f', conditions: conditions.map((c) => parseCondition(c)) }).matches(record);

  it('should evaluate every operator', () => {
    expect(matches('host.hostname equals web-1')).to.equal(true);
    expect(matches('host.hostname equals web-2')).to.equal(false);
    expect(matches('host.hostname not-equals web-2')).to.equal(true);
    expect(matches('host.ip not-equals 10.0.0.2')).to.equal(false);
    expect(matches('host.os.full contains windows')).to.equal(true);
    expect(matches('host.hostname matches ^web-\\d+$')).to.equal(true);
    expect(matches('host.ip in 192.168.0.1,10.0.0.2')).to.equal(true);
    expect(matches('host.ip in 192.168.0.1')).to.equal(false);
    expect(matches('trendmicro_cloudone.agentVersion exists')).to.equal(true);
    expect(matches('cloud.provider exists')).to.equal(false);
    expect(matches('blank exists')).to.equal(false);
  });

  it('should AND the conditions', () => {
    expect(
      matches('host.os.full contains windows', 'trendmicro_cloudone.agentVersion equals 0.0.0.0'),
    ).to.equal(true);
    expect(
      matches('host.os.full contains windows', 'trendmicro_cloudone.agentVersion equals 20.0.1'),
    ).to.equal(false);
  });
});

describe('ExcludeFilters', () => {
  describe('#excludes', () => {
    it('should drop a record when any filter matches and count it under that filter', () => {
      const filters = new ExcludeFilters([
        { name: 'linux', conditions: [parseCondition('host.os.full contains linux')] },
        {
          name: 'unactivated',
          conditions: [parseCondition('trendmicro_cloudone.agentVersion equals 0.0.0.0')],
        },
      ]);
      expect(filters.excludes(record)).to.equal(true);
      expect(filters.excludes({ host: { os: { full: 'Windows' } } })).to.equal(false);
      expect(Object.fromEntries(filters.dropped)).to.deep.equal({ unactivated: 1 });
    });
  });
});
