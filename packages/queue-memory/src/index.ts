export { MemoryQueue, queueClosedError } from './memory.queue';
export { Notifier } from './notifier';
export type { MemoryQueueOptions, MemoryDeadLetter } from './types';
