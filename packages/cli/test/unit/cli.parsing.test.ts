import { expect } from 'chai';
import { CommanderError } from 'commander';
import { ConfigurationErrors, ConnectorError, RespondNotSupportedError } from '@connectors/framework/engine';
import { BusyError, HostInputError, InputError, ScopeError } from '@connectors/host';
import { parseWhere } from '../../src/commands/lake.command';
import { exitCodeOf, ExitSignal, UsageError } from '../../src/exit-codes';
import { parseDuration, renderTable } from '../../src/output/table';
import { clip } from '../../src/commands/status.command';

describe('parseWhere', () => {
  it('should read the four condition forms', () => {
    expect(parseWhere('host.hostname=web-1')).to.deep.equal({
      path: 'host.hostname',
      op: 'eq',
      value: 'web-1',
    });
    expect(parseWhere('cloud.provider!=aws')).to.deep.equal({
      path: 'cloud.provider',
      op: 'neq',
      value: 'aws',
    });
    expect(parseWhere('host.os.full~Windows Server')).to.deep.equal({
      path: 'host.os.full',
      op: 'contains',
      value: 'Windows Server',
    });
    expect(parseWhere('cloud.instance.id?')).to.deep.equal({ path: 'cloud.instance.id', op: 'exists' });
    expect(parseWhere('url=https://x/?a=b')).to.deep.equal({
      path: 'url',
      op: 'eq',
      value: 'https://x/?a=b',
    });
  });

  it('should name --where and show the forms when it cannot read one', () => {
    expect(() => parseWhere('just-a-word')).to.throw(UsageError, /where: "just-a-word" is not PATH=VALUE/);
  });
});

describe('parseDuration', () => {
  it('should read units and refuse the rest', () => {
    expect(parseDuration('15m')).to.equal(900_000);
    expect(parseDuration('1h')).to.equal(3_600_000);
    expect(parseDuration('7d')).to.equal(604_800_000);
    expect(parseDuration('30')).to.equal(30_000);
    expect(parseDuration('soon')).to.equal(undefined);
  });
});

describe('renderTable', () => {
  it('should size columns to the widest cell under a rule', () => {
    expect(
      renderTable(
        ['Name', 'N'],
        [
          ['a', 1],
          ['longer', undefined],
        ],
      ).split('\n'),
    ).to.deep.equal(['Name    N', '------  -', 'a       1', 'longer']);
  });
});

describe('exitCodeOf', () => {
  it('should map bad input to 2, failures to 1 and help to 0', () => {
    expect(exitCodeOf(new HostInputError('X', 'name', 'bad'))).to.equal(2);
    expect(exitCodeOf(new ConfigurationErrors([]))).to.equal(2);
    expect(exitCodeOf(new UsageError('limit', 'bad'))).to.equal(2);
    expect(exitCodeOf(new InputError([{ path: 'limit', message: 'must be >= 1' }]))).to.equal(2);
    expect(exitCodeOf(new ScopeError('createTenant'))).to.equal(2);
    expect(exitCodeOf(new RespondNotSupportedError('Trend Micro'))).to.equal(2);
    expect(exitCodeOf(new CommanderError(1, 'commander.missingMandatoryOptionValue', 'x'))).to.equal(2);
    expect(exitCodeOf(new CommanderError(0, 'commander.helpDisplayed', 'help'))).to.equal(0);
    expect(exitCodeOf(new BusyError('TEST_IN_PROGRESS', 'a test is already running'))).to.equal(1);
    expect(exitCodeOf(new ConnectorError('VENDOR_HTTP_500', 'boom'))).to.equal(1);
    expect(exitCodeOf(new ExitSignal(1))).to.equal(1);
  });
});

describe('clip', () => {
  it('should cut a long text at a word boundary with an ellipsis, and leave a short one alone', () => {
    expect(clip('short', 10)).to.equal('short');
    expect(clip('searching computers after ID 5000 failed: the API answered 503', 40)).to.equal(
      'searching computers after ID 5000…',
    );
    expect(clip('x'.repeat(50), 10)).to.equal(`${'x'.repeat(9)}…`);
  });
});
