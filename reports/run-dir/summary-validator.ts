/**
 * Validation of `summary.json` against its published JSON Schema (summary.schema.json beside this
 * file, version 2; summary-v1.schema.json, frozen, for version-1 directories), each compiled once
 * on first use. The schema lets properties it does not know through: readers ignore them.
 */
import { Ajv, type ValidateFunction } from 'ajv';
import type { Summary } from './summary.js';
import schema from './summary.schema.json' with { type: 'json' };
import schemaV1 from './summary-v1.schema.json' with { type: 'json' };

const compiled = new Map<object, ValidateFunction>();

function validator(s: object): ValidateFunction {
  let v = compiled.get(s);
  if (v === undefined) {
    const ajv = new Ajv({ allErrors: false, strict: true, allowUnionTypes: true });
    // The one format the schema uses; kept here rather than pulling in ajv-formats.
    ajv.addFormat('date-time', {
      type: 'string',
      validate: (x: string) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/.test(x),
    });
    v = ajv.compile(s);
    compiled.set(s, v);
  }
  return v;
}

/** The published schema, for tools that want to validate on their side. */
export const SUMMARY_SCHEMA: object = schema;

function problemOf(v: ValidateFunction, value: unknown): string | null {
  if (v(value)) return null;
  const e = v.errors?.[0];
  if (e === undefined) return 'does not match the schema';
  const where = e.instancePath === '' ? '(top level)' : e.instancePath;
  return `${where} ${e.message ?? 'is invalid'}`;
}

/** Null when `value` is a valid version-2 Summary, else one line saying where and what is wrong. */
export function summaryProblem(value: unknown): string | null {
  return problemOf(validator(schema), value);
}

/** The same for a version-1 summary.json (read through `summary-v1-adapter.ts`). */
export function summaryV1Problem(value: unknown): string | null {
  return problemOf(validator(schemaV1), value);
}

/** Type guard over `summaryProblem`. */
export function isSummary(value: unknown): value is Summary {
  return summaryProblem(value) === null;
}
