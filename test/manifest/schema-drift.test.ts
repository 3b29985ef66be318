import { readFileSync } from 'node:fs';
import { Ajv2020, type ErrorObject } from 'ajv/dist/2020.js';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { pathText, SchemaValidator, supportedKeywords } from '../../src/manifest/json-schema.js';
import { schemaUrl } from '../../src/manifest/load.js';
import { acme, invalidVariants, manifestFiles, readJson, validVariants } from './corpus.js';

/**
 * keywarden checks manifests with its own small validator (no runtime dependency); ajv, the reference, checks the
 * same corpus here, so the two cannot drift: same verdict on every manifest, and every path keywarden reports is
 * one ajv reports too.
 */

const schema = JSON.parse(readFileSync(schemaUrl, 'utf8')) as Record<string, unknown>;
const ours = new SchemaValidator(schema);
const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true });
ajv.addKeyword('x-message');
const reference = ajv.compile(schema);

/** ajv's errors as our paths: the instance path, plus the field a `required` or `additionalProperties` names. */
function ajvPaths(data: unknown): Set<string> {
  reference(data);
  return new Set(
    (reference.errors ?? []).map((error: ErrorObject) => {
      const segments: (string | number)[] = [];
      let here = data;
      for (const raw of error.instancePath.split('/').slice(1)) {
        const name = raw.replace(/~1/g, '/').replace(/~0/g, '~');
        const segment = Array.isArray(here) ? Number(name) : name;
        segments.push(segment);
        here = (here as Record<string | number, unknown>)?.[segment];
      }
      const params = error.params as Record<string, string>;
      const named = params.missingProperty ?? params.additionalProperty ?? params.propertyName;
      if (named !== undefined) segments.push(named);
      return pathText(segments);
    }),
  );
}

function compare(data: unknown): { valid: boolean; paths: string[] } {
  const problems = ours.validate(data);
  const valid = reference(data);
  expect(problems.length === 0).toBe(valid);
  const known = ajvPaths(data);
  for (const problem of problems) expect(known, `${problem.path}: ${problem.message}`).toContain(problem.path);
  return { valid, paths: problems.map((p) => p.path) };
}

/** Every keyword the schema uses, at any depth, wherever a schema (not data) sits. */
function keywordsOf(node: unknown, found = new Set<string>()): Set<string> {
  if (typeof node !== 'object' || node === null) return found;
  if (Array.isArray(node)) {
    for (const item of node) keywordsOf(item, found);
    return found;
  }
  for (const [keyword, value] of Object.entries(node)) {
    found.add(keyword);
    if (['properties', '$defs', 'dependentRequired'].includes(keyword))
      for (const sub of Object.values(value as object)) keywordsOf(sub, found);
    else if (['items', 'additionalProperties', 'propertyNames', 'oneOf', 'anyOf'].includes(keyword))
      keywordsOf(value, found);
  }
  return found;
}

describe("the manifest schema and keywarden's validator agree with ajv", () => {
  test('the schema uses no keyword the validator does not apply', () => {
    const used = [...keywordsOf(schema)].filter((k) => !/^\d+$/.test(k));
    expect(used.filter((k) => !supportedKeywords.includes(k))).toEqual([]);
  });

  test.each([...manifestFiles, 'test/manifest/fixtures/acme.json'])('%s is valid for both', (file) => {
    expect(compare(readJson(file)).valid).toBe(true);
  });

  test.each(validVariants())('valid: %s', (_, manifest) => {
    expect(ours.validate(manifest)).toEqual([]);
    expect(compare(manifest).valid).toBe(true);
  });

  test.each(invalidVariants().map(([what, manifest, path]) => [what, path, manifest] as const))(
    'invalid: %s, reported at %s',
    (_, path, manifest) => {
      const { valid, paths } = compare(manifest);
      expect(valid).toBe(false);
      expect(paths).toContain(path);
    },
  );

  test('random damage to valid manifests: the same verdict, and every path one ajv names', () => {
    const bases = [...manifestFiles.map(readJson), acme(), ...validVariants().map(([, m]) => m)];
    const damage = fc.record({
      base: fc.nat({ max: bases.length - 1 }),
      at: fc.nat(),
      kind: fc.constantFrom('delete', 'replace', 'add'),
      value: fc.oneof(
        fc.jsonValue({ maxDepth: 2 }),
        fc.constantFrom('none', 'page', 'cursor', 'link', '/x/{id}', 'GET', 'name', 'a.b', true, 0, 1, -1),
      ),
      name: fc.constantFrom('style', 'path', 'value', 'option', 'x', 'map', 'scheme', 'max', 'format'),
    });
    fc.assert(
      fc.property(damage, ({ base, at, kind, value, name }) => {
        const doc = structuredClone(bases[base]!);
        const holders = objectsIn(doc);
        const [holder, key] = holders[at % holders.length]!;
        if (kind === 'delete' && key !== undefined) {
          if (Array.isArray(holder)) holder.splice(Number(key), 1);
          else delete (holder as Record<string, unknown>)[key];
        } else if (kind === 'replace' && key !== undefined) (holder as Record<string, unknown>)[key] = value;
        else if (!Array.isArray(holder)) (holder as Record<string, unknown>)[name] = value;
        // what JSON.parse could have given: no -0, no holes
        compare(JSON.parse(JSON.stringify(doc)));
      }),
      { numRuns: 1500, seed: 8288 },
    );
  });
});

/** Every object or list in a document with each of its keys (a key-less entry for adding to it). */
function objectsIn(node: unknown, found: [object, string | undefined][] = []): [object, string | undefined][] {
  if (typeof node !== 'object' || node === null) return found;
  found.push([node, undefined]);
  for (const [key, value] of Object.entries(node)) {
    found.push([node, key]);
    objectsIn(value, found);
  }
  return found;
}
