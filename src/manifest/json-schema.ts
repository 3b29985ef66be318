/**
 * A validator for the part of JSON Schema (2020-12) that schema/provider-manifest.schema.json uses, so that checking
 * a manifest needs no runtime dependency. test/manifest/schema-drift.test.ts runs it beside ajv on a corpus of
 * manifests, and fails when the schema starts using a keyword this file does not know.
 *
 * It reports every problem, each at the JSON path of the offending field (`list.pagination.style`), in words a
 * person can act on; where a `oneOf` fails, it explains the branch the data most plausibly meant.
 */

export interface SchemaProblem {
  /** e.g. `list.pagination.style`, `errors.message[1]`; '' for the document itself */
  path: string;
  message: string;
}

type Schema = boolean | SchemaObject;
interface SchemaObject {
  [keyword: string]: unknown;
}

/** The keywords this validator applies, and the annotations it reads or ignores. */
export const supportedKeywords: readonly string[] = [
  '$schema',
  '$ref',
  '$defs',
  'title',
  'description',
  'x-message',
  'type',
  'enum',
  'const',
  'pattern',
  'minLength',
  'minimum',
  'maximum',
  'items',
  'minItems',
  'properties',
  'required',
  'additionalProperties',
  'propertyNames',
  'dependentRequired',
  'oneOf',
  'anyOf',
];

type Segment = string | number;

export class SchemaValidator {
  private readonly patterns = new Map<string, RegExp>();

  constructor(private readonly root: SchemaObject) {}

  validate(data: unknown): SchemaProblem[] {
    return this.check(this.root, data, []);
  }

  private check(schema: Schema, data: unknown, at: Segment[]): SchemaProblem[] {
    if (schema === true) return [];
    if (schema === false) return [problem(at, 'is not allowed here')];
    const problems: SchemaProblem[] = [];
    if (typeof schema.$ref === 'string') problems.push(...this.check(this.resolve(schema.$ref), data, at));

    if (schema.type !== undefined && !typeMatches(schema.type, data)) {
      return [...problems, problem(at, `must be ${typeWords(schema.type)}`)];
    }
    if ('const' in schema && !sameJson(schema.const, data))
      problems.push(problem(at, `must be ${JSON.stringify(schema.const)}`));
    if (Array.isArray(schema.enum) && !schema.enum.some((value) => sameJson(value, data))) {
      problems.push(
        problem(
          at,
          `must be one of ${schema.enum.map((v) => (typeof v === 'string' ? v : JSON.stringify(v))).join(', ')}`,
        ),
      );
    }
    if (typeof data === 'string') problems.push(...this.checkString(schema, data, at));
    if (typeof data === 'number') {
      if (typeof schema.minimum === 'number' && data < schema.minimum)
        problems.push(problem(at, `must be at least ${schema.minimum}`));
      if (typeof schema.maximum === 'number' && data > schema.maximum)
        problems.push(problem(at, `must be at most ${schema.maximum}`));
    }
    if (Array.isArray(data)) {
      if (typeof schema.minItems === 'number' && data.length < schema.minItems)
        problems.push(problem(at, `must hold at least ${schema.minItems} item(s)`));
      if (schema.items !== undefined)
        data.forEach((item, i) => problems.push(...this.check(schema.items as Schema, item, [...at, i])));
    }
    if (isObject(data)) problems.push(...this.checkObject(schema, data, at));
    if (Array.isArray(schema.oneOf))
      problems.push(...this.checkAlternatives(schema.oneOf as Schema[], data, at, 'one'));
    if (Array.isArray(schema.anyOf))
      problems.push(...this.checkAlternatives(schema.anyOf as Schema[], data, at, 'any'));
    return problems;
  }

  private checkString(schema: SchemaObject, data: string, at: Segment[]): SchemaProblem[] {
    if (typeof schema.minLength === 'number' && Array.from(data).length < schema.minLength) {
      return [
        problem(at, schema.minLength === 1 ? 'must not be empty' : `must be at least ${schema.minLength} characters`),
      ];
    }
    if (typeof schema.pattern === 'string' && !this.regex(schema.pattern).test(data)) {
      return [
        problem(at, typeof schema['x-message'] === 'string' ? schema['x-message'] : `must match ${schema.pattern}`),
      ];
    }
    return [];
  }

  private checkObject(schema: SchemaObject, data: Record<string, unknown>, at: Segment[]): SchemaProblem[] {
    const problems: SchemaProblem[] = [];
    const properties = (schema.properties ?? {}) as Record<string, Schema>;
    for (const name of (schema.required ?? []) as string[]) {
      if (!Object.hasOwn(data, name)) problems.push(problem([...at, name], 'is required'));
    }
    for (const [name, required] of Object.entries((schema.dependentRequired ?? {}) as Record<string, string[]>)) {
      if (!Object.hasOwn(data, name)) continue;
      for (const other of required)
        if (!Object.hasOwn(data, other)) problems.push(problem([...at, other], `is required with ${name}`));
    }
    for (const [name, value] of Object.entries(data)) {
      if (schema.propertyNames !== undefined) {
        for (const p of this.check(schema.propertyNames as Schema, name, [...at, name]))
          problems.push({ path: p.path, message: `the name ${p.message}` });
      }
      if (Object.hasOwn(properties, name)) {
        problems.push(...this.check(properties[name]!, value, [...at, name]));
      } else if (schema.additionalProperties === false) {
        const known = Object.keys(properties).filter((p) => p !== '$schema');
        problems.push(problem([...at, name], `is not a field here; the fields are ${known.join(', ')}`));
      } else if (schema.additionalProperties !== undefined) {
        problems.push(...this.check(schema.additionalProperties as Schema, value, [...at, name]));
      }
    }
    return problems;
  }

  /**
   * oneOf / anyOf. When no branch fits, the problems reported are those of the branch the data meant: the branches
   * of its JSON type, then the one its discriminator names (a property every branch pins with `const`, like
   * `style`), else the one with the fewest problems.
   */
  private checkAlternatives(branches: Schema[], data: unknown, at: Segment[], mode: 'one' | 'any'): SchemaProblem[] {
    const results = branches.map((branch) => this.check(branch, data, at));
    const fitting = results.filter((r) => r.length === 0).length;
    if (mode === 'any' ? fitting > 0 : fitting === 1) return [];
    if (fitting > 1) return [problem(at, 'fits more than one of the allowed forms')];

    const resolved = branches.map((b) => this.flatten(b));
    let candidates = resolved.map((_, i) => i).filter((i) => acceptsType(resolved[i]!, data));
    if (candidates.length === 0) {
      const kinds = [...new Set(resolved.flatMap((b) => typeNames(b)))];
      return [problem(at, `must be ${kinds.length > 0 ? kinds.map(typeWord).join(' or ') : 'something else'}`)];
    }
    const discriminator = isObject(data) ? discriminatorOf(candidates.map((i) => resolved[i]!)) : undefined;
    if (discriminator && isObject(data)) {
      const values = candidates.map((i) => constOf(resolved[i]!, discriminator));
      if (!Object.hasOwn(data, discriminator)) return [problem([...at, discriminator], 'is required')];
      const chosen = candidates.filter((_, n) => sameJson(values[n], data[discriminator]));
      if (chosen.length === 0)
        return [problem([...at, discriminator], `must be one of ${values.map((v) => String(v)).join(', ')}`)];
      candidates = chosen;
    }
    const best = candidates.reduce((a, b) => (results[b]!.length < results[a]!.length ? b : a));
    return results[best]!;
  }

  /** A branch with its top-level $ref followed, for looking at its type and properties. */
  private flatten(schema: Schema): SchemaObject {
    if (typeof schema === 'boolean') return {};
    if (typeof schema.$ref !== 'string') return schema;
    const { $ref, ...rest } = schema;
    return { ...this.flatten(this.resolve($ref)), ...rest };
  }

  private resolve(ref: string): Schema {
    const match = /^#\/\$defs\/([^/]+)$/.exec(ref);
    const target = match ? (this.root.$defs as Record<string, Schema> | undefined)?.[match[1]!] : undefined;
    if (target === undefined) throw new Error(`schema: cannot resolve $ref ${ref}`);
    return target;
  }

  private regex(pattern: string): RegExp {
    let compiled = this.patterns.get(pattern);
    if (!compiled) this.patterns.set(pattern, (compiled = new RegExp(pattern, 'u')));
    return compiled;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

function typeMatches(type: unknown, data: unknown): boolean {
  const actual = jsonType(data);
  return (Array.isArray(type) ? type : [type]).some((t) => t === actual || (t === 'number' && actual === 'integer'));
}

function typeNames(schema: SchemaObject): string[] {
  if (schema.type !== undefined) return (Array.isArray(schema.type) ? schema.type : [schema.type]) as string[];
  if ('const' in schema) return [jsonType(schema.const)];
  if (Array.isArray(schema.enum)) return [...new Set(schema.enum.map(jsonType))];
  return [];
}

function acceptsType(schema: SchemaObject, data: unknown): boolean {
  const names = typeNames(schema);
  return names.length === 0 || names.some((t) => typeMatches(t, data));
}

const typeWordOf: Record<string, string> = {
  object: 'an object',
  array: 'a list',
  string: 'a string',
  integer: 'a whole number',
  number: 'a number',
  boolean: 'true or false',
  null: 'null',
};

function typeWord(type: string): string {
  return typeWordOf[type] ?? type;
}

function typeWords(type: unknown): string {
  return (Array.isArray(type) ? type : [type]).map((t) => typeWord(String(t))).join(' or ');
}

/** The property every branch pins to one value with `const`, if there is one. */
function discriminatorOf(branches: SchemaObject[]): string | undefined {
  const [first] = branches;
  const names = Object.keys(first?.properties ?? {});
  return names.find((name) =>
    branches.every((b) => constOf(b, name) !== undefined && ((b.required ?? []) as string[]).includes(name)),
  );
}

function constOf(schema: SchemaObject, property: string): unknown {
  const declared = (schema.properties as Record<string, SchemaObject> | undefined)?.[property];
  return declared && typeof declared === 'object' && 'const' in declared ? declared.const : undefined;
}

function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const keysA = Object.keys(a);
  const keysB = Object.keys(b);
  return (
    keysA.length === keysB.length &&
    keysA.every(
      (k) => Object.hasOwn(b, k) && sameJson((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]),
    )
  );
}

function problem(at: Segment[], message: string): SchemaProblem {
  return { path: pathText(at), message };
}

/** `list.pagination.style`, `errors.message[1]`, `create.body["data.name"]` */
export function pathText(at: readonly Segment[]): string {
  let text = '';
  for (const segment of at) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(segment)) text += text === '' ? segment : `.${segment}`;
    else text += `[${JSON.stringify(segment)}]`;
  }
  return text;
}
