import { decodeEntry, encodeEntry, type EncodedEntry } from '@connectors/framework/engine';

// The entry layout moved to the framework so the in-process queue shares it; re-exported here
// for the stream's users.
export { decodeEntry, encodeEntry };
export type { EncodedEntry };

/** The fields as one JSON object, for dead letters whose content could not be decoded. */
export function rawFields(fields: string[]): string {
  const out: Record<string, string> = {};
  for (let i = 0; i < fields.length; i += 2) out[fields[i]] = fields[i + 1];
  return JSON.stringify(out);
}
