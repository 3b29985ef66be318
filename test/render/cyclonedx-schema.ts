import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Ajv, type AnySchema } from 'ajv';
import addFormatsModule from 'ajv-formats';

// ajv-formats is CommonJS with its function as the default export
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

/**
 * The official CycloneDX 1.6 JSON schema, as @cyclonedx/cyclonedx-library ships it (res/schema, identical to the
 * specification's bom-1.6.schema.json but for `.SNAPSHOT` in the names it refers to), compiled once with ajv. It is
 * draft-07 and uses `meta:enum`, so strict mode is off; the SPDX and JSF schemas it refers to keep their original
 * `$id`s, so they are added under the SNAPSHOT names the 1.6 schema asks for.
 */
const require = createRequire(import.meta.url);
const schemaDir = join(dirname(require.resolve('@cyclonedx/cyclonedx-library/package.json')), 'res', 'schema');
const load = (name: string): AnySchema => JSON.parse(readFileSync(join(schemaDir, name), 'utf8')) as AnySchema;

const ajv = new Ajv({ strict: false, allErrors: true, addUsedSchema: false });
addFormats(ajv);
// as the CycloneDX library itself does: ajv-formats has neither
ajv.addFormat('iri-reference', true);
ajv.addFormat('idn-email', /^[^\s@]+@[^\s@]+$/u);
ajv.addSchema(load('spdx.SNAPSHOT.schema.json'), 'http://cyclonedx.org/schema/spdx.SNAPSHOT.schema.json');
ajv.addSchema(load('jsf-0.82.SNAPSHOT.schema.json'), 'http://cyclonedx.org/schema/jsf-0.82.SNAPSHOT.schema.json');
const schema = load('bom-1.6.SNAPSHOT.schema.json') as { $id: string; definitions: Record<string, unknown> };
const validate = ajv.compile(schema);

export const cyclonedxSchemaId = schema.$id;

/** The values the schema allows for a related crypto material's type and state. */
export function relatedCryptoMaterialEnums(): { type: string[]; state: string[] } {
  const related = (
    schema.definitions.cryptoProperties as {
      properties: { relatedCryptoMaterialProperties: { properties: Record<string, { enum: string[] }> } };
    }
  ).properties.relatedCryptoMaterialProperties.properties;
  return { type: related.type!.enum, state: related.state!.enum };
}

/** Every way the document breaks the CycloneDX 1.6 schema, one line each; none when it is valid. */
export function validateCyclonedx(bom: unknown): string[] {
  return validate(bom)
    ? []
    : (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`);
}
