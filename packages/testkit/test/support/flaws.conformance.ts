// Run by test/integration/conformance.suite.int.test.ts in a child mocha: the conformance suite over
// every flawed connector in FLAWS_DIR (one generated plugin directory per flaw).
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { describeConnectorConformance, startFakeApi } from '../../src';

const ITEMS = Array.from({ length: 5 }, (_, i) => ({
  id: `item-${i + 1}`,
  name: i === 2 ? '' : `Item ${i + 1}`,
}));
const API_KEY = 'flaw-key-0123456789';

const dir = process.env.FLAWS_DIR!;
for (const name of readdirSync(dir).sort()) {
  describeConnectorConformance(path.join(dir, name), {
    secretFields: ['apiKey'],
    settleMs: 30,
    async setup() {
      const api = await startFakeApi();
      api.route('GET', '/items', (req) => {
        if (req.headers['x-api-key'] !== API_KEY) return { status: 401, body: { message: 'bad key' } };
        const page = Number(req.query.page);
        const limit = Number(req.query.limit);
        const next = page * limit < ITEMS.length ? page + 1 : null;
        return { body: { items: ITEMS.slice((page - 1) * limit, page * limit), next } };
      });
      const config = { baseUrl: api.baseUrl, apiKey: API_KEY, pageSize: 2 };
      return {
        config,
        failingConfigs: [{ title: 'wrong key', config: { ...config, apiKey: 'wrong-key-0000' } }],
        requestCount: () => api.requests.length,
        teardown: () => api.stop(),
      };
    },
  });
}
