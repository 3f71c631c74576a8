import { expect } from 'chai';
import { generateComputer, type Computer } from '../../src/generator/computer.generator';
import { expandKeys } from '../../src/generator/expand';

const ctx = { seed: 42, baseTimeMs: Date.UTC(2024, 5, 3) };
const sample = (n: number, expand: string[] = ['all']): Computer[] =>
  Array.from({ length: n }, (_, i) => generateComputer(i + 1, ctx, expandKeys(expand)));

describe('generateComputer', () => {
  it('should produce the same computer for the same seed and ID, and another for another seed', () => {
    expect(generateComputer(77, ctx)).to.deep.equal(generateComputer(77, ctx));
    expect(generateComputer(77, { ...ctx, seed: 43 })).to.not.deep.equal(generateComputer(77, ctx));
  });

  it('should return only top-level scalars with expand=none, and the same scalars whatever is expanded', () => {
    const none = generateComputer(9, ctx, expandKeys(['none']));
    expect(Object.values(none).every((v) => v === null || typeof v !== 'object')).to.equal(true);
    const all = generateComputer(9, ctx, expandKeys([]));
    for (const [k, v] of Object.entries(none)) expect(all[k]).to.deep.equal(v);
    const some = generateComputer(9, ctx, expandKeys(['computerStatus']));
    expect(Object.keys(some).filter((k) => typeof some[k] === 'object')).to.deep.equal(['computerStatus']);
  });

  it('should never send null fields', () => {
    for (const c of sample(300)) expect(JSON.stringify(c)).to.not.include('null');
  });

  it('should be roughly 2-4 KB per computer with expand=all', () => {
    const computers = sample(500);
    const avg = computers.reduce((s, c) => s + JSON.stringify(c).length, 0) / computers.length;
    expect(avg).to.be.within(2000, 4096);
  });

  it('should have the variety of a real fleet', () => {
    const computers = sample(3000);
    const has = (f: (c: Computer) => boolean): boolean => computers.some(f);
    for (const key of [
      'ec2VirtualMachineSummary',
      'azureARMVirtualMachineSummary',
      'azureVMVirtualMachineSummary',
      'gcpVirtualMachineSummary',
      'vmwareVMVirtualMachineSummary',
      'noConnectorVirtualMachineSummary',
      'workspaceVirtualMachineSummary',
      'ESXSummary',
    ]) {
      expect(
        has((c) => key in c),
        key,
      ).to.equal(true);
    }
    expect(
      has((c) => / {2}Build \d+$/.test(String(c.platform))),
      'Windows double space',
    ).to.equal(true);
    expect(
      has((c) => /Linux/.test(String(c.platform))),
      'Linux',
    ).to.equal(true);
    expect(
      has((c) => c.displayName === ''),
      'empty displayName',
    ).to.equal(true);
    expect(
      has((c) => ((c.interfaces as { interfaces: unknown[] } | undefined)?.interfaces.length ?? 0) >= 2),
      'several NICs',
    ).to.equal(true);
    const statuses = new Set(computers.map((c) => (c.computerStatus as { agentStatus: string }).agentStatus));
    expect([...statuses].sort()).to.deep.equal(['active', 'error', 'inactive', 'not-supported', 'warning']);
    const states = new Set(computers.map((c) => (c.intrusionPrevention as { state: string }).state));
    expect([...states].sort()).to.deep.equal(['detect', 'off', 'prevent']);
  });

  it('should make unactivated computers look like the service does: 0.0.0.0, an IP as host name, no interfaces', () => {
    const unactivated = sample(2000).filter((c) => c.agentVersion === '0.0.0.0');
    expect(unactivated.length).to.be.greaterThan(50);
    for (const c of unactivated) {
      expect(c).to.not.have.property('interfaces');
      expect(c).to.not.have.property('lastAgentCommunication');
      expect(c).to.not.have.property('agentFingerPrint');
      expect(c.hostName).to.match(/^\d+\.\d+\.\d+\.\d+$/);
      expect(c.platform).to.equal('');
    }
  });
});
