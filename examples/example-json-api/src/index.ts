export { ExampleJsonApiConnector, ExampleJsonApiConnector as connector } from './example-json-api.connector';
export type { ExampleEvent, ExampleJsonApiConfig } from './types';
