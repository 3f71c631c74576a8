export { RedisStreamQueue, compareIds } from './redis-stream.queue';
export { streamKeys, tenantStreamName } from './stream.keys';
export { encodeEntry, decodeEntry } from './entry.codec';
export type { EncodedEntry } from './entry.codec';
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
