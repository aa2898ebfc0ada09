/**
 * A YAML document as a tree whose every node (and every mapping key) remembers the file, line and
 * column it came from. `extends` merges such trees, so after a merge each value still points into
 * the file that holds it, and a problem found in the merged document is located where it was written.
 */
import { isAlias, isMap, isScalar, isSeq, LineCounter, type Node, parseDocument } from 'yaml';
import type { PathSeg, ProblemList, SourceLoc } from './problem-list.js';

/** One entry of a mapping: where its key was written and its value. */
export interface TreeEntry {
  readonly keyLoc: SourceLoc;
  readonly node: TreeNode;
}

/** A located YAML value. */
export type TreeNode =
  | { readonly kind: 'map'; readonly loc: SourceLoc; readonly entries: Map<string, TreeEntry> }
  | { readonly kind: 'seq'; readonly loc: SourceLoc; readonly items: readonly TreeNode[] }
  | { readonly kind: 'scalar'; readonly loc: SourceLoc; readonly value: unknown };

/** Aliases may point at an ancestor; past this depth the value is cut off rather than recursed. */
const MAX_DEPTH = 64;

/**
 * Parses YAML text into a located tree. Syntax errors are added to `problems` at the parser's
 * position; an empty document is reported too. Returns undefined when there is nothing usable.
 */
export function parseYamlTree(text: string, file: string, problems: ProblemList): TreeNode | undefined {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const locAt = (offset: number | undefined): SourceLoc => {
    const pos = lineCounter.linePos(offset ?? 0);
    return { file, line: pos.line, col: pos.col };
  };
  if (doc.errors.length > 0) {
    for (const err of doc.errors) {
      // The parser's message may carry a code excerpt after the first line; one line per problem.
      const first = (err.message.split('\n')[0] ?? err.message).replace(/ at line \d+, column \d+:?$/, '');
      problems.add(locAt(err.pos[0]), [], `invalid YAML: ${first}`);
    }
    return undefined;
  }
  if (doc.contents === null || (isScalar(doc.contents) && doc.contents.value === null)) {
    problems.add({ file, line: 1, col: 1 }, [], 'empty profile: expected a mapping of profile keys');
    return undefined;
  }

  const convert = (node: unknown, depth: number): TreeNode => {
    const target = isAlias(node) ? node.resolve(doc) : node;
    const loc = locAt((target as Node | undefined)?.range?.[0]);
    if (depth > MAX_DEPTH) return { kind: 'scalar', loc, value: null };
    if (isMap(target)) {
      const entries = new Map<string, TreeEntry>();
      for (const pair of target.items) {
        const keyNode = pair.key;
        const key = isScalar(keyNode) ? String(keyNode.value) : String(keyNode);
        const keyLoc = locAt((keyNode as Node | null)?.range?.[0]);
        const node =
          pair.value === null || pair.value === undefined
            ? ({ kind: 'scalar', loc: keyLoc, value: null } as const)
            : convert(pair.value, depth + 1);
        entries.set(key, { keyLoc, node });
      }
      return { kind: 'map', loc, entries };
    }
    if (isSeq(target)) return { kind: 'seq', loc, items: target.items.map((i) => convert(i, depth + 1)) };
    if (isScalar(target)) return { kind: 'scalar', loc, value: target.value };
    return { kind: 'scalar', loc, value: null };
  };
  return convert(doc.contents, 0);
}

/**
 * Deep merge of a parent under a child: mappings merge key by key, lists and scalars of the child
 * replace the parent's, and a child's null deletes the parent's key (so a child can switch from
 * `phases` to `regions`). Mappings under an `atomic` key are values, not records (a think time
 * `{uniform: ...}` must not merge with a parent's `{exponential: ...}`): the child's replaces.
 * Every node keeps the location of the file it came from.
 */
export function mergeTrees(
  parent: TreeNode,
  child: TreeNode,
  atomic: ReadonlySet<string> = new Set(),
): TreeNode {
  if (parent.kind !== 'map' || child.kind !== 'map') return child;
  const entries = new Map(parent.entries);
  for (const [key, entry] of child.entries) {
    const inherited = entries.get(key);
    if (entry.node.kind === 'scalar' && entry.node.value === null && inherited !== undefined) {
      entries.delete(key);
    } else if (inherited !== undefined && !atomic.has(key)) {
      entries.set(key, { keyLoc: entry.keyLoc, node: mergeTrees(inherited.node, entry.node, atomic) });
    } else {
      entries.set(key, entry);
    }
  }
  return { kind: 'map', loc: child.loc, entries };
}

/** The plain JS value of a tree (what the schema validates). */
export function toPlain(node: TreeNode): unknown {
  switch (node.kind) {
    case 'map': {
      const out: Record<string, unknown> = {};
      for (const [k, e] of node.entries) out[k] = toPlain(e.node);
      return out;
    }
    case 'seq':
      return node.items.map(toPlain);
    case 'scalar':
      return node.value;
  }
}

/**
 * Where to point for a path: the value's position, or with `atKey` the position of its key in the
 * enclosing mapping. A path that leaves the tree (a missing key) resolves to its deepest existing
 * ancestor, so no problem is ever unlocated.
 */
export function locate(root: TreeNode, path: readonly PathSeg[], atKey = false): SourceLoc {
  let node: TreeNode = root;
  let keyLoc: SourceLoc | undefined;
  for (const seg of path) {
    let next: TreeNode | undefined;
    keyLoc = undefined;
    if (node.kind === 'map') {
      const entry = node.entries.get(String(seg));
      next = entry?.node;
      keyLoc = entry?.keyLoc;
    } else if (node.kind === 'seq' && typeof seg === 'number') {
      next = node.items[seg];
    }
    if (next === undefined) return node.loc;
    node = next;
  }
  return atKey && keyLoc !== undefined ? keyLoc : node.loc;
}
