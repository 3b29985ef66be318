import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';

// ajv-formats is CommonJS with its function as the default export
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

/** The official SARIF 2.1.0 schema (draft-07; see schema/README.md), compiled once with ajv and its formats. */
const schema = JSON.parse(readFileSync(new URL('./schema/sarif-schema-2.1.0.json', import.meta.url), 'utf8')) as {
  $id: string;
};
const ajv = new Ajv({ allErrors: true, strict: false });
addFormats(ajv);
const validate = ajv.compile(schema);

export const sarifSchemaId = schema.$id;

/** Every way the log breaks the schema, one line each; none when it is valid. */
export function validateSarif(log: unknown): string[] {
  return validate(log)
    ? []
    : (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`);
}
