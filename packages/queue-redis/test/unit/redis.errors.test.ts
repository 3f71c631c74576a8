import { expect } from 'chai';
import { ConnectorError } from '@connectors/framework/engine';
import { compareIds, isOom, isTransient, replyCode, streamKeys, tenantStreamName } from '../../src';

function reply(message: string, extra: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(message), { name: 'ReplyError' }, extra);
}

describe('redis errors', () => {
  describe('replyCode', () => {
    it('should read the code of a Redis error reply only', () => {
      expect(replyCode(reply('NOGROUP No such key'))).to.equal('NOGROUP');
      expect(replyCode(new Error('Connection is closed.'))).to.equal(undefined);
    });
  });

  describe('isOom', () => {
    it('should recognise OOM directly and as the cause of a discarded MULTI', () => {
      expect(isOom(reply("OOM command not allowed when used memory > 'maxmemory'."))).to.equal(true);
      const execAbort = reply('EXECABORT Transaction discarded because of previous errors.', {
        previousErrors: [reply("OOM command not allowed when used memory > 'maxmemory'.")],
      });
      expect(isOom(execAbort)).to.equal(true);
      expect(
        isOom(reply('EXECABORT Transaction discarded', { previousErrors: [reply('ERR syntax')] })),
      ).to.equal(false);
    });
  });

  describe('isTransient', () => {
    it('should retry connection failures and loading, not command errors', () => {
      expect(isTransient(new Error('Connection is closed.'))).to.equal(true);
      expect(isTransient(reply('LOADING Redis is loading the dataset in memory'))).to.equal(true);
      expect(
        isTransient(reply('WRONGTYPE Operation against a key holding the wrong kind of value')),
      ).to.equal(false);
      expect(isTransient(new ConnectorError('QUEUE_CLOSED', 'closed'))).to.equal(false);
    });
  });
});

describe('streamKeys', () => {
  it('should hash-tag the name so all keys of a queue share a cluster slot', () => {
    expect(streamKeys('connectors:tenant-a')).to.deep.equal({
      stream: '{connectors:tenant-a}:records',
      dead: '{connectors:tenant-a}:dead',
      bytes: '{connectors:tenant-a}:bytes',
    });
    expect(streamKeys('{connectors:t}:c1').stream).to.equal('{connectors:t}:c1:records');
  });

  it('should name one stream per tenant, or per tenant and connector', () => {
    expect(tenantStreamName('t1')).to.equal('connectors:t1');
    expect(tenantStreamName('t1', 'c9')).to.equal('connectors:t1:c9');
  });
});

describe('compareIds', () => {
  it('should order stream ids numerically', () => {
    expect(compareIds('10-0', '9-5')).to.equal(1);
    expect(compareIds('5-2', '5-10')).to.equal(-1);
    expect(compareIds('5-2', '5-2')).to.equal(0);
  });
});
