import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { HostMetrics } from './host.metrics';

export interface HealthCheck {
  name: string;
  check(): Promise<void>;
}

export interface HealthReport {
  status: 'ok' | 'failing';
  checks: Record<string, { ok: boolean; error?: string }>;
  uptimeSeconds: number;
}

/** `/metrics` (Prometheus text) and `/healthz` (JSON; 200 when every check passes, 503 otherwise). */
export class HealthServer {
  private server?: http.Server;
  private readonly started = Date.now();

  constructor(
    private readonly metrics: HostMetrics,
    private readonly checks: HealthCheck[],
  ) {}

  async report(): Promise<HealthReport> {
    const checks: HealthReport['checks'] = {};
    await Promise.all(
      this.checks.map(async (c) => {
        try {
          await c.check();
          checks[c.name] = { ok: true };
        } catch (err) {
          checks[c.name] = { ok: false, error: (err as Error).message };
        }
      }),
    );
    return {
      status: Object.values(checks).every((c) => c.ok) ? 'ok' : 'failing',
      checks,
      uptimeSeconds: Math.round((Date.now() - this.started) / 1000),
    };
  }

  async listen(port: number, host = '127.0.0.1'): Promise<AddressInfo> {
    this.server = http.createServer((req, res) => {
      const url = (req.url ?? '/').split('?')[0];
      if (req.method !== 'GET') {
        res.writeHead(405).end();
        return;
      }
      if (url === '/metrics') {
        this.metrics.text().then(
          (body) => res.writeHead(200, { 'content-type': this.metrics.registry.contentType }).end(body),
          (err: Error) => res.writeHead(500).end(err.message),
        );
      } else if (url === '/healthz' || url === '/health') {
        // report() never rejects: a failing check becomes its entry in the report.
        void this.report().then((r) =>
          res
            .writeHead(r.status === 'ok' ? 200 : 503, { 'content-type': 'application/json' })
            .end(JSON.stringify(r)),
        );
      } else {
        res
          .writeHead(404, { 'content-type': 'application/json' })
          .end(JSON.stringify({ error: 'not found', paths: ['/metrics', '/healthz'] }));
      }
    });
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(port, host, () => resolve());
    });
    return this.server.address() as AddressInfo;
  }

  async close(): Promise<void> {
    const s = this.server;
    if (!s) return;
    this.server = undefined;
    s.closeAllConnections?.();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }
}
