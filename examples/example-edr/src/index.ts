export { ExampleEdrConnector, ExampleEdrConnector as connector } from './example-edr.connector';
export { RESPONSE_ACTIONS } from './response.actions';
export type { ExampleEdrConfig } from './types';
