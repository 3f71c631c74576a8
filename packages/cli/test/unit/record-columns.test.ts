import { expect } from 'chai';
import type { SyslogRecord } from '@connectors/framework/engine';
import { cellAt, recordTable } from '../../src/output/record-columns';

const base = { tenant_id: 'acme', timestamp: Date.UTC(2026, 0, 1), connector: { id: 'c' } };
const computer = {
  ...base,
  id: 'a',
  msg_class: 'vendor_computer',
  host: { hostname: 'web-1', ip: ['10.0.0.1', '10.0.0.2', '10.0.0.3'], os: { full: 'Linux' } },
} as unknown as SyslogRecord;
const alert = {
  ...base,
  id: 'b',
  msg_class: 'vendor_alert',
  user: { name: 'alice' },
  source: { ip: '192.0.2.7' },
  event: { action: 'login-failed' },
} as unknown as SyslogRecord;

describe('recordTable', () => {
  it('should choose Host/IP/OS for records of hosts', () => {
    const t = recordTable([computer]);
    expect(t.headers).to.deep.equal(['Time', 'Tenant', 'msg_class', 'Host', 'IP', 'OS']);
    expect(t.rows[0].slice(1)).to.deep.equal([
      'acme',
      'vendor_computer',
      'web-1',
      '10.0.0.1, 10.0.0.2',
      'Linux',
    ]);
  });

  it('should choose the columns an event carries instead of empty host columns', () => {
    const t = recordTable([alert]);
    expect(t.headers).to.deep.equal(['Time', 'Tenant', 'msg_class', 'User', 'Source', 'Action']);
    expect(t.rows[0].slice(3)).to.deep.equal(['alice', '192.0.2.7', 'login-failed']);
  });

  it('should show exactly the --fields columns', () => {
    const t = recordTable([alert, computer], ['user.name', 'host.hostname']);
    expect(t.headers).to.deep.equal(['Time', 'user.name', 'host.hostname']);
    expect(t.rows.map((r) => r.slice(1))).to.deep.equal([
      ['alice', undefined],
      [undefined, 'web-1'],
    ]);
  });
});

describe('cellAt', () => {
  it('should not read inherited properties', () => {
    expect(cellAt({}, 'constructor.name')).to.equal(undefined);
  });
});
