export { ExampleJsonApiConnector, ExampleJsonApiConnector as connector } from './example-json-api.connector';
export type { ExampleJsonApiEvent, ExampleJsonApiConfig } from './types';
