import { readFile } from 'node:fs/promises';
import { UsageError } from '../errors.js';
import { manifestProblems } from './checks.js';
import { SchemaValidator, type SchemaProblem } from './json-schema.js';
import type { Manifest } from './types.js';

/** The published schema, shipped beside dist/ (package.json "files"); two levels up from src/manifest and dist/manifest. */
export const schemaUrl = new URL('../../schema/provider-manifest.schema.json', import.meta.url);

let validator: Promise<SchemaValidator> | undefined;

export function manifestSchema(): Promise<SchemaValidator> {
  validator ??= readFile(schemaUrl, 'utf8').then(
    (text) => new SchemaValidator(JSON.parse(text) as Record<string, unknown>),
  );
  return validator;
}

/** A manifest that cannot be used: every problem, each with the path of its field. Exit 2. */
export class ManifestError extends UsageError {
  constructor(
    readonly file: string,
    readonly problems: SchemaProblem[],
  ) {
    const more = problems.length - 1;
    super(
      problemLine(file, problems[0]!),
      more > 0
        ? `${more} more problem${more === 1 ? '' : 's'}: keywarden providers validate ${file} lists them all`
        : undefined,
    );
  }

  lines(): string[] {
    return this.problems.map((p) => problemLine(this.file, p));
  }
}

export function problemLine(file: string, problem: SchemaProblem): string {
  return `${file}: ${problem.path ? `${problem.path}: ` : ''}${problem.message}`;
}

/**
 * Reads, parses and checks a manifest; `shownAs` is how messages name the file (as the person typed it), `builtin`
 * for keywarden's own (checked when keywarden is built).
 */
export async function readManifest(
  path: string,
  shownAs = path,
  options: { builtin?: boolean } = {},
): Promise<Manifest> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const { code } = error as NodeJS.ErrnoException;
    throw new ManifestError(shownAs, [
      {
        path: '',
        message: code === 'ENOENT' ? 'no such file' : `cannot be read (${code ?? (error as Error).message})`,
      },
    ]);
  }
  return parseManifest(text, shownAs, options);
}

export async function parseManifest(
  text: string,
  shownAs: string,
  options: { builtin?: boolean } = {},
): Promise<Manifest> {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new ManifestError(shownAs, [
      { path: '', message: `is not valid JSON: ${jsonErrorText(error as Error, text)}` },
    ]);
  }
  const schemaProblems = (await manifestSchema()).validate(data);
  if (schemaProblems.length > 0) throw new ManifestError(shownAs, schemaProblems);
  const manifest = data as Manifest;
  const problems = manifestProblems(manifest, options);
  if (problems.length > 0) throw new ManifestError(shownAs, problems);
  return manifest;
}

/** JSON.parse's message with a line and column, which Node 20 does not give. */
function jsonErrorText(error: Error, text: string): string {
  const message = error.message.replace(/\s*\(line \d+ column \d+\)$/, '');
  const position = /at position (\d+)/.exec(message);
  if (!position) return message;
  const before = text.slice(0, Number(position[1]));
  const line = before.split('\n').length;
  const column = before.length - before.lastIndexOf('\n');
  return `${message.replace(/ in JSON at position \d+/, '')} (line ${line}, column ${column})`;
}
