export { RedisStreamQueue, compareIds } from './redis-stream.queue';
export { streamKeys, tenantStreamName } from './stream.keys';
export { isOom, isTransient, replyCode } from './redis.errors';
export { startRedisServer, freePort } from './redis-server.launcher';
export type { RedisServerOptions, RedisServerHandle } from './redis-server.launcher';
export type {
  RedisDeadLetter,
  RedisQueueFigures,
  RedisServerCapabilities,
  RedisStreamQueueOptions,
  StreamKeys,
} from './types';
