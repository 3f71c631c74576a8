import { expect } from 'chai';
import {
  commandOf,
  DEFAULT_DAEMON_HEAP_MB,
  DEFAULT_DAEMON_SEMI_SPACE_MB,
  GLOBAL_OPTIONS_WITH_VALUE,
  HEAP_CAPPED_ENV,
  HEAP_MB_ENV,
  planHeapCap,
} from '../../src/bin/heap-cap';
import { buildProgram } from '../../src/program';

const sink = { write: () => true } as unknown as NodeJS.WritableStream;

describe('commandOf', () => {
  it('should skip global options and their values', () => {
    expect(commandOf(['start'])).to.equal('start');
    expect(commandOf(['--data-dir', 'start', 'status'])).to.equal('status');
    expect(commandOf(['--data-dir=/d', '--log-level', 'info', 'start', '--tick-ms', '5'])).to.equal('start');
    expect(commandOf(['--help'])).to.equal(undefined);
  });

  it('should know every global option that takes a value', () => {
    const program = buildProgram({ stdout: sink, stderr: sink } as never, { json: false });
    const withValue = program.options.filter((o) => o.required || o.optional).map((o) => o.long);
    expect([...withValue].sort()).to.deep.equal([...GLOBAL_OPTIONS_WITH_VALUE].sort());
  });
});

describe('planHeapCap', () => {
  const plan = (args: string[], env: NodeJS.ProcessEnv = {}, execArgv: string[] = []) =>
    planHeapCap({ args, env, execArgv });

  it('should run the daemon again with the default cap, keeping node flags', () => {
    expect(plan(['--data-dir', 'd', 'start', '--no-metrics'], {}, ['--enable-source-maps'])).to.deep.equal({
      reexec: true,
      heapMb: DEFAULT_DAEMON_HEAP_MB,
      nodeArgs: [
        '--enable-source-maps',
        `--max-old-space-size=${DEFAULT_DAEMON_HEAP_MB}`,
        `--max-semi-space-size=${DEFAULT_DAEMON_SEMI_SPACE_MB}`,
      ],
    });
  });

  it('should keep a young generation given on the command line or in NODE_OPTIONS', () => {
    const given = plan(['start'], {}, ['--max-semi-space-size=32']) as { nodeArgs: string[] };
    expect(given.nodeArgs).to.deep.equal(['--max-semi-space-size=32', '--max-old-space-size=96']);
    const inOptions = plan(['start'], { NODE_OPTIONS: '--max_semi_space_size 4' }) as { nodeArgs: string[] };
    expect(inOptions.nodeArgs).to.deep.equal(['--max-old-space-size=96']);
    const withCap = plan(['start'], { [HEAP_MB_ENV]: '160' }) as { nodeArgs: string[] };
    expect(withCap.nodeArgs).to.deep.equal(['--max-old-space-size=160', '--max-semi-space-size=8']);
  });

  it('should take the cap from CONNECTORS_MAX_HEAP_MB, and 0 or off for none', () => {
    expect(plan(['start'], { [HEAP_MB_ENV]: '160' })).to.include({ reexec: true, heapMb: 160 });
    expect(plan(['start'], { [HEAP_MB_ENV]: '0' })).to.include({ reexec: false });
    expect(plan(['start'], { [HEAP_MB_ENV]: 'off' })).to.include({ reexec: false });
  });

  it('should refuse a cap that is not a whole number of MB of at least 32', () => {
    for (const bad of ['96MB', '-1', '1.5', '16'])
      expect(plan(['start'], { [HEAP_MB_ENV]: bad }))
        .to.have.property('error')
        .that.match(/CONNECTORS_MAX_HEAP_MB/);
  });

  it('should cap a one-off run as it caps the daemon', () => {
    expect(plan(['--data-dir', '/d', 'run', 'Cloud One', '--tenant', 'acme'])).to.include({
      reexec: true,
      heapMb: 96,
    });
  });

  it('should leave other commands, a given heap size and the re-executed process alone', () => {
    expect(plan(['status'])).to.include({ reexec: false, reason: 'not a collecting command' });
    expect(plan(['create', '--name', 'start'])).to.include({ reexec: false });
    expect(plan(['start'], { NODE_OPTIONS: '--max-old-space-size=200' })).to.include({
      reexec: false,
      reason: 'a heap size was given',
    });
    expect(plan(['start'], { NODE_OPTIONS: '--trace-gc --max_old_space_size 200' })).to.include({
      reexec: false,
    });
    expect(plan(['start'], {}, ['--max-old-space-size=64'])).to.include({ reexec: false });
    expect(plan(['start'], { [HEAP_CAPPED_ENV]: '1' })).to.include({ reason: 'already re-executed' });
    expect(plan(['start'], {}, ['--inspect=9229'])).to.include({ reexec: false });
  });
});
