import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { default as AjvClass } from 'ajv';

/** The official SARIF 2.1.0 schema (draft-07; see schema/README.md), compiled once with ajv and its formats. */
const require = createRequire(import.meta.url);
const Ajv = require('ajv') as typeof AjvClass;
const addFormats = require('ajv-formats') as (ajv: AjvClass) => AjvClass;

const schema = JSON.parse(readFileSync(new URL('./schema/sarif-schema-2.1.0.json', import.meta.url), 'utf8')) as { $id: string };
const ajv = new Ajv({ allErrors: true, strict: false });
addFormats(ajv);
const validate = ajv.compile(schema);

export const sarifSchemaId = schema.$id;

/** Every way the log breaks the schema, one line each; none when it is valid. */
export function validateSarif(log: unknown): string[] {
  return validate(log) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`);
}
