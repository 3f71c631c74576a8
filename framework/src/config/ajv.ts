import Ajv, { type Options } from 'ajv';
import addFormats from 'ajv-formats';

/** Keywords the framework adds to JSON Schema: `secret` marks write-only secrets, `x-hint` says how to fix a value. */
const CUSTOM_KEYWORDS = ['secret', 'x-hint'] as const;

export function createAjv(options: Options = {}): Ajv {
  const ajv = new Ajv({ allErrors: true, strict: true, strictRequired: false, ...options });
  addFormats(ajv);
  for (const keyword of CUSTOM_KEYWORDS)
    ajv.addKeyword({ keyword, schemaType: keyword === 'secret' ? 'boolean' : 'string' });
  return ajv;
}
