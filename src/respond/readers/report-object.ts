import { ShapeError } from '../../providers/shape.js';

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * One object of a scanner report, read defensively as src/providers/shape.ts reads a provider's answer, except that
 * every field is optional: scanners leave out what is empty (Go's omitempty, marshmallow's missing fields), and an
 * empty string means "none" (gitleaks' Commit outside git). A field of the wrong kind is a ShapeError naming its
 * JSON path, built from the field names of the code, never from the report's own keys.
 */
export class ReportObject {
  private constructor(
    readonly raw: Readonly<Record<string, unknown>>,
    readonly path: string,
  ) {}

  static at(value: unknown, path: string): ReportObject {
    if (!isObject(value)) throw new ShapeError(path || 'the document', 'an object');
    return new ReportObject(value, path);
  }

  static optionalAt(value: unknown, path: string): ReportObject | null {
    return value === undefined || value === null ? null : ReportObject.at(value, path);
  }

  pathOf(name: string): string {
    return this.path ? `${this.path}.${name}` : name;
  }

  private value(name: string): unknown {
    return Object.hasOwn(this.raw, name) ? this.raw[name] : undefined;
  }

  /** a string; null when absent, null or empty */
  text(name: string): string | null {
    const value = this.value(name);
    if (value === undefined || value === null || value === '') return null;
    if (typeof value !== 'string') throw new ShapeError(this.pathOf(name), 'a string');
    return value;
  }

  /** a 1-based line number; null when absent, null or 0 (what Go's omitempty leaves out) */
  line(name: string): number | null {
    const value = this.value(name);
    if (value === undefined || value === null || value === 0) return null;
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0)
      throw new ShapeError(this.pathOf(name), 'a line number');
    return value;
  }

  flag(name: string): boolean | null {
    const value = this.value(name);
    if (value === undefined || value === null) return null;
    if (typeof value !== 'boolean') throw new ShapeError(this.pathOf(name), 'true or false');
    return value;
  }

  object(name: string): ReportObject | null {
    return ReportObject.optionalAt(this.value(name), this.pathOf(name));
  }

  /** a list of objects; empty when absent or null */
  objects(name: string): ReportObject[] {
    const value = this.value(name);
    if (value === undefined || value === null) return [];
    const path = this.pathOf(name);
    if (!Array.isArray(value)) throw new ShapeError(path, 'a list');
    return value.map((item, i) => ReportObject.at(item, `${path}[${i}]`));
  }
}
