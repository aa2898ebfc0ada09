/**
 * Loads a profile file: reads it and its `extends` chain, merges the chain, validates the merged
 * document (schema and semantics, every problem at once, each located in the file that holds it)
 * and resolves it into a `Profile`. Bad input throws `StampedeError('E_PROFILE')` (exit 2).
 */
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { basename, dirname, extname, isAbsolute, relative, resolve } from 'node:path';
import { StampedeError } from '../errors.js';
import { ProblemList } from './problem-list.js';
import type { Profile } from './profile.js';
import { resolveProfile } from './resolve-profile.js';
import { checkSchema } from './schema-check.js';
import { CheckContext, checkSemantics, isMapping } from './semantic-check.js';
import { mergeTrees, parseYamlTree, type TreeNode, toPlain } from './yaml-tree.js';

/** One file of an `extends` chain. */
interface Level {
  readonly file: string;
  readonly tree: TreeNode;
}

/** Keys whose values compose multiplicatively down the chain instead of replacing. */
const SCALE_KEYS = ['rateScale', 'timeScale'] as const;

async function isFile(file: string): Promise<boolean> {
  try {
    return (await stat(file)).isFile();
  } catch {
    return false;
  }
}

/**
 * Reads the chain child first. Returns the levels read; problems (syntax, missing parent, cycle)
 * are added to `problems`, located at the `extends` key that caused them.
 */
async function readChain(
  abs: string,
  display: (file: string) => string,
  problems: ProblemList,
): Promise<Level[]> {
  const levels: Level[] = [];
  let current = abs;
  for (;;) {
    const tree = parseYamlTree(await readFile(current, 'utf8'), display(current), problems);
    if (tree === undefined) return levels;
    levels.push({ file: current, tree });
    if (tree.kind !== 'map') {
      // The first file's root is reported by the schema; a parent's would otherwise vanish in the merge.
      if (levels.length > 1) problems.add(tree.loc, [], 'must be a mapping');
      return levels;
    }
    const ext = tree.entries.get('extends');
    if (ext === undefined) return levels;
    if (ext.node.kind !== 'scalar' || typeof ext.node.value !== 'string' || ext.node.value === '') {
      problems.add(ext.node.loc, ['extends'], 'must be a string');
      return levels;
    }
    const next = resolve(dirname(current), ext.node.value);
    const chain = levels.map((l) => l.file);
    if (chain.includes(next)) {
      const cycle = [...chain.slice(chain.indexOf(next)), next].map(display).join(' -> ');
      problems.add(ext.node.loc, ['extends'], `cyclic extends: ${cycle}`);
      return levels;
    }
    if (!(await isFile(next))) {
      problems.add(ext.node.loc, ['extends'], `file not found: ${ext.node.value} (${display(next)})`);
      return levels;
    }
    current = next;
  }
}

/** Each level's own scales must be positive numbers; returns their product. */
function composeScales(
  levels: readonly Level[],
  problems: ProblemList,
): { rateScale: number; timeScale: number } {
  const out = { rateScale: 1, timeScale: 1 };
  for (const level of levels) {
    if (level.tree.kind !== 'map') continue;
    for (const key of SCALE_KEYS) {
      const node = level.tree.entries.get(key)?.node;
      if (node === undefined) continue;
      const v = node.kind === 'scalar' ? node.value : undefined;
      if (typeof v !== 'number' || !Number.isFinite(v)) problems.add(node.loc, [key], 'must be a number');
      else if (v <= 0) problems.add(node.loc, [key], 'must be > 0');
      else out[key] *= v;
    }
  }
  return out;
}

/** Keys whose mapping values replace the parent's whole: a think time and a phase mix are single values. */
const ATOMIC_KEYS: ReadonlySet<string> = new Set(['think', 'mix']);

/** A parent's `name` names the parent, not the child: it is not inherited. */
function withoutName(tree: TreeNode): TreeNode {
  if (tree.kind !== 'map' || !tree.entries.has('name')) return tree;
  const entries = new Map(tree.entries);
  entries.delete('name');
  return { ...tree, entries };
}

/**
 * Loads, merges, validates and resolves the profile at `path` (relative to the working directory).
 * Throws `StampedeError('E_PROFILE')`: `profile not found: <path>`, or the first located problem
 * as the message and every other one in `details`.
 */
export async function loadProfile(path: string): Promise<Profile> {
  const abs = resolve(path);
  if (!(await isFile(abs))) throw new StampedeError('E_PROFILE', `profile not found: ${path}`);
  // Files are shown as the user named them: the given path, others relative to the working directory.
  const display = (file: string): string => {
    if (file === abs) return path;
    return isAbsolute(path) ? file : relative(process.cwd(), file);
  };
  const problems = new ProblemList();
  const levels = await readChain(abs, display, problems);
  problems.throwIfAny();

  let merged: TreeNode | undefined;
  for (let i = levels.length - 1; i >= 0; i--) {
    const level = levels[i] as Level;
    merged = merged === undefined ? level.tree : mergeTrees(withoutName(merged), level.tree, ATOMIC_KEYS);
  }
  if (merged === undefined) throw new StampedeError('E_PROFILE', `profile not found: ${path}`);
  const scales = composeScales(levels, problems);
  const doc = toPlain(merged);
  checkSchema(doc, merged, problems);
  checkSemantics(doc, new CheckContext(merged, problems));
  problems.throwIfAny();

  const own = isMapping(doc) ? doc : {};
  const childTree = levels[0]?.tree;
  const ownName = childTree?.kind === 'map' ? childTree.entries.get('name')?.node : undefined;
  const name =
    ownName?.kind === 'scalar' && typeof ownName.value === 'string'
      ? ownName.value
      : basename(abs, extname(abs));
  return resolveProfile({ doc: own, file: abs, name, ...scales });
}

/** JSON with keys sorted at every level, so equal profiles serialize equally. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value).sort();
    const parts = keys.map(
      (k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`,
    );
    return `{${parts.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** sha256 hex of the canonical JSON of a resolved profile, without `file` (same profile, any path). */
export function profileHash(p: Profile): string {
  const { file: _file, ...rest } = p;
  return createHash('sha256').update(canonicalJson(rest)).digest('hex');
}
