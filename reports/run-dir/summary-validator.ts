/**
 * Validation of `summary.json` against its published JSON Schema (summary.schema.json beside this
 * file), compiled once on first use.
 */
import { Ajv, type ValidateFunction } from 'ajv';
import type { Summary } from './summary.js';
import schema from './summary.schema.json' with { type: 'json' };

let validate: ValidateFunction | null = null;

function validator(): ValidateFunction {
  if (validate === null) {
    const ajv = new Ajv({ allErrors: false, strict: true, allowUnionTypes: true });
    // The one format the schema uses; kept here rather than pulling in ajv-formats.
    ajv.addFormat('date-time', {
      type: 'string',
      validate: (s: string) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/.test(s),
    });
    validate = ajv.compile(schema);
  }
  return validate;
}

/** The published schema, for tools that want to validate on their side. */
export const SUMMARY_SCHEMA: object = schema;

/** Null when `value` is a valid Summary, else one line saying where and what is wrong. */
export function summaryProblem(value: unknown): string | null {
  const v = validator();
  if (v(value)) return null;
  const e = v.errors?.[0];
  if (e === undefined) return 'does not match the schema';
  const where = e.instancePath === '' ? '(top level)' : e.instancePath;
  return `${where} ${e.message ?? 'is invalid'}`;
}

/** Type guard over `summaryProblem`. */
export function isSummary(value: unknown): value is Summary {
  return summaryProblem(value) === null;
}
