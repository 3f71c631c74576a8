export { startRedisServer, freePort } from './redis-server.launcher';
export type { RedisServerOptions, RedisServerHandle } from './redis-server.launcher';
