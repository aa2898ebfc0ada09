/**
 * Validates a merged profile document against the shipped JSON Schema (`profiles/profile.schema.json`)
 * and turns ajv's errors into located, human problems: `flows.forced-reset.weight  must be a number`,
 * `regions[0].phases[1]  unknown key "duraton" (did you mean "duration"?)`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import type { PathSeg, ProblemList } from './problem-list.js';
import { locate, type TreeNode } from './yaml-tree.js';

/** Candidates for the schema file: from sources (harness/profile) and from compiled code (dist/harness/profile). */
const SCHEMA_CANDIDATES = ['../../profiles/profile.schema.json', '../../../profiles/profile.schema.json'];

/** Absolute path of the shipped profile JSON Schema. */
export function profileSchemaPath(): string {
  for (const rel of SCHEMA_CANDIDATES) {
    const file = fileURLToPath(new URL(rel, import.meta.url));
    if (existsSync(file)) return file;
  }
  throw new Error(`profile schema not found beside ${fileURLToPath(import.meta.url)}`);
}

let compiled: ValidateFunction | undefined;

function validator(): ValidateFunction {
  if (compiled === undefined) {
    const schema = JSON.parse(readFileSync(profileSchemaPath(), 'utf8')) as object;
    // verbose: errors carry their parent schema, used to suggest the key a typo meant.
    const ajv = new Ajv({ allErrors: true, strict: false, verbose: true });
    compiled = ajv.compile(schema);
  }
  return compiled;
}

/** `/flows/forced-reset/weight` -> ['flows', 'forced-reset', 'weight'] (indices as numbers when in a list). */
function pointerToPath(pointer: string, doc: unknown): PathSeg[] {
  if (pointer === '') return [];
  const path: PathSeg[] = [];
  let cur: unknown = doc;
  for (const raw of pointer.slice(1).split('/')) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(cur)) {
      const i = Number(seg);
      path.push(i);
      cur = cur[i];
    } else {
      path.push(seg);
      cur = cur !== null && typeof cur === 'object' ? (cur as Record<string, unknown>)[seg] : undefined;
    }
  }
  return path;
}

const TYPE_WORDS: Readonly<Record<string, string>> = {
  number: 'a number',
  integer: 'an integer',
  string: 'a string',
  object: 'a mapping',
  array: 'a list',
  boolean: 'true or false',
  null: 'empty',
};

function typeWords(type: unknown): string {
  const list = Array.isArray(type) ? type : [type];
  return list.map((t) => TYPE_WORDS[String(t)] ?? String(t)).join(' or ');
}

/** Levenshtein distance, for "did you mean" on unknown keys. */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0] ?? 0;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j] ?? 0;
      row[j] = Math.min(cur + 1, (row[j - 1] ?? 0) + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length] ?? 0;
}

function suggestion(key: string, parentSchema: unknown): string {
  const props = (parentSchema as { properties?: Record<string, unknown> } | undefined)?.properties;
  if (props === undefined) return '';
  let best: string | undefined;
  let bestD = Number.POSITIVE_INFINITY;
  for (const candidate of Object.keys(props)) {
    const d = distance(key.toLowerCase(), candidate.toLowerCase());
    if (d < bestD) {
      best = candidate;
      bestD = d;
    }
  }
  return best !== undefined && bestD <= Math.max(2, Math.floor(key.length / 3))
    ? ` (did you mean "${best}"?)`
    : '';
}

function show(value: unknown): string {
  return typeof value === 'string' ? `"${value}"` : JSON.stringify(value);
}

const isDuration = (e: ErrorObject): boolean =>
  e.schemaPath.includes('/duration/') || e.schemaPath.includes('/think/');

/** One ajv error as a message, or undefined for errors that only echo another (if/then). */
function message(e: ErrorObject): string | undefined {
  const p = e.params as Record<string, unknown>;
  const limit = p['limit'];
  const parent = e.parentSchema as Record<string, unknown> | undefined;
  switch (e.keyword) {
    case 'if':
      return undefined;
    case 'additionalProperties':
      return `unknown key "${String(p['additionalProperty'])}"${suggestion(String(p['additionalProperty']), parent)}`;
    case 'required':
      return `missing required key "${String(p['missingProperty'])}"`;
    case 'type':
      if (isDuration(e) && e.schemaPath.includes('/duration/')) {
        return 'must be a duration (seconds, or e.g. 1h30m, 250ms, 1.5s)';
      }
      if (e.schemaPath.includes('/think/')) {
        return 'must be a think time: a duration, {uniform: [min, max]}, {exponential: mean} or {normal: [mean, sd]}';
      }
      return `must be ${typeWords(p['type'])}`;
    case 'pattern':
      if (isDuration(e)) return `bad duration ${show(e.data)} (use e.g. 1h30m, 250ms, 1.5s)`;
      return `bad name ${show(e.data)}: use letters, digits, '-', '_' or '.'`;
    case 'enum':
      // The retry classes list 503 both as a string and a number: show each once.
      return `${show(e.data)} is not one of ${[...new Set((p['allowedValues'] as unknown[]).map(String))].join(', ')}`;
    case 'minimum':
      return `must be >= ${String(limit)}`;
    case 'maximum':
      return `must be <= ${String(limit)}`;
    case 'exclusiveMinimum':
      return `must be > ${String(limit)}`;
    case 'exclusiveMaximum':
      return `must be < ${String(limit)}`;
    case 'minItems':
    case 'maxItems':
      if (parent?.['minItems'] === parent?.['maxItems']) return `must be a list of ${String(limit)} items`;
      if (e.keyword === 'minItems' && limit === 1) return 'must not be empty';
      return `needs ${e.keyword === 'minItems' ? 'at least' : 'at most'} ${String(limit)} items`;
    case 'minProperties':
      return 'must not be empty';
    case 'maxProperties':
      if (limit !== 1) return `needs at most ${String(limit)} keys`;
      return `must have exactly one key, one of: ${Object.keys((parent?.['properties'] as object) ?? {}).join(', ')}`;
    case 'propertyNames':
      return undefined;
    default:
      return e.message ?? `fails ${e.keyword}`;
  }
}

/** Validates `doc` (the plain form of `tree`) and adds every schema problem, located in `tree`. */
export function checkSchema(doc: unknown, tree: TreeNode, problems: ProblemList): void {
  const validate = validator();
  if (validate(doc)) return;
  for (const e of validate.errors ?? []) {
    const path = pointerToPath(e.instancePath, doc);
    const p = e.params as Record<string, unknown>;
    // ajv puts the offending key of a `propertyNames` sub-error on the error itself.
    const propertyName = (e as ErrorObject & { propertyName?: string }).propertyName;
    if (typeof propertyName === 'string') {
      // A bad key (flow name): point at the key itself.
      const text = message(e);
      if (text !== undefined) {
        problems.add(locate(tree, [...path, propertyName], true), [...path, propertyName], text);
      }
      continue;
    }
    const text = message(e);
    if (text === undefined) continue;
    if (e.keyword === 'additionalProperties') {
      problems.add(locate(tree, [...path, String(p['additionalProperty'])], true), path, text);
    } else {
      problems.add(locate(tree, path), path, text);
    }
  }
}
