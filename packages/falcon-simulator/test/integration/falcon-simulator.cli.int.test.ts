import { expect } from 'chai';
import { spawn } from 'node:child_process';
import path from 'node:path';

describe('falcon-simulator (bin)', function () {
  this.timeout(20_000);

  it('should print its base URL and accept the given client credentials until stopped', async () => {
    const bin = path.resolve(__dirname, '..', '..', '..', 'bin', 'falcon-simulator.js');
    const child = spawn(process.execPath, [
      bin,
      '--hosts',
      '3',
      '--port',
      '0',
      '--client-id',
      'ID',
      '--client-secret',
      'S',
    ]);
    try {
      const baseUrl = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          const m = /Base URL:\s+(\S+)/.exec(out);
          if (m) resolve(m[1]);
        });
        child.once('exit', (code) => reject(new Error(`exited with ${code}: ${out}`)));
      });
      expect(baseUrl).to.match(/^http:\/\/127\.0\.0\.1:\d+$/);
      const res = await fetch(`${baseUrl}/oauth2/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'client_id=ID&client_secret=S',
      });
      expect(res.status).to.equal(201);
    } finally {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
  });
});
