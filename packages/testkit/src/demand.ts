import type { PageDemand } from '@connectors/framework';

/** Demand that is always there: for collecting without the host's pipeline (tests, one-off scripts). */
export const IMMEDIATE_DEMAND: PageDemand = { ready: () => Promise.resolve() };
