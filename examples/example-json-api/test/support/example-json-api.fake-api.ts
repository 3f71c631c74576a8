import { startFakeApi, type FakeApi } from '@connectors/testkit';
import type { ExampleJsonApiEvent } from '../../src';

export interface ExampleJsonApiFake extends FakeApi {
  apiKey: string;
}

/** The vendor API the example talks to: `GET /v1/events?page=&limit=` behind a Bearer token. */
export async function startExampleJsonApiFake(
  events: ExampleJsonApiEvent[],
  apiKey = 'example-token-0123456789',
): Promise<ExampleJsonApiFake> {
  const api = await startFakeApi();
  api.route('GET', '/v1/events', (req) => {
    if (req.headers.authorization !== `Bearer ${apiKey}`)
      return { status: 401, body: { message: 'invalid token' } };
    const page = Number(req.query.page ?? 1);
    const limit = Number(req.query.limit ?? 100);
    const nextPage = page * limit < events.length ? page + 1 : null;
    return { body: { events: events.slice((page - 1) * limit, page * limit), nextPage } };
  });
  return Object.assign(api, { apiKey });
}
