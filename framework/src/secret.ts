import { inspect } from 'node:util';

export const REDACTED = '[REDACTED]';

/**
 * A secret config value. The plain value is held in a private field and only `reveal()` returns it;
 * every serialization path (JSON, util.inspect, string conversion, pino) sees `[REDACTED]`.
 */
export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  reveal(): string {
    return this.#value;
  }

  /** Whether two secrets hold the same value, without revealing either to the caller. */
  equals(other: Secret): boolean {
    return other.#value === this.#value;
  }

  toJSON(): string {
    return REDACTED;
  }

  toString(): string {
    return REDACTED;
  }

  [Symbol.toPrimitive](): string {
    return REDACTED;
  }

  [inspect.custom](): string {
    return REDACTED;
  }
}

export function isSecret(value: unknown): value is Secret {
  return value instanceof Secret;
}
