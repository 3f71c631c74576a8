export { FalconConnector, FalconConnector as connector } from './falcon.connector';
export type { FalconConfig } from './types';
