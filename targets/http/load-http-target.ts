/**
 * Loads an http target file: YAML with located nodes, the JSON Schema, then the checks a schema
 * cannot make. Every problem is reported at once as `file:line:col  field  what`; the first is the
 * error's message, the rest its details (code E_TARGET_FILE, exit 2).
 */
import { readFileSync } from 'node:fs';
import { StampedeError } from '../../harness/errors.js';
import { formatProblem, ProblemList } from '../../harness/profile/problem-list.js';
import { parseYamlTree, toPlain } from '../../harness/profile/yaml-tree.js';
import type { MailSpec, Target } from '../target.js';
import { type HttpAbilities, HttpTarget } from './http-target.js';
import { checkTargetSchema, checkTargetSemantics } from './target-file-check.js';

/** An http target with whatever optional abilities its file declares. */
export type LoadedHttpTarget = HttpTarget & HttpAbilities;

/**
 * Reads, checks and compiles the target file at `file` (absolute or relative to the cwd); `mail`
 * is the mail sink a worker reads (from the main thread's spec).
 */
export function loadHttpTarget(file: string, mail?: MailSpec): LoadedHttpTarget {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err: unknown) {
    const code = (err as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new StampedeError('E_TARGET_FILE', `${file}: cannot read the target file (${code})`);
  }
  return parseHttpTarget(text, file, mail);
}

/** Checks and compiles target-file text; `file` is used for locations and the spec. */
export function parseHttpTarget(text: string, file: string, mail?: MailSpec): LoadedHttpTarget {
  if (text.trim() === '') {
    throw new StampedeError(
      'E_TARGET_FILE',
      `${file}:1:1  (root)  empty target file: expected baseUrl, accounts, steps`,
    );
  }
  const problems = new ProblemList();
  const tree = parseYamlTree(text, file, problems);
  if (tree) {
    const doc = toPlain(tree);
    if (checkTargetSchema(doc, tree, problems)) {
      checkTargetSemantics(doc, tree, problems);
      if (problems.size === 0) {
        const target = new HttpTarget(doc, file, mail);
        return Object.assign(target, target.abilities());
      }
    }
  }
  const lines = problems.sorted().map(formatProblem);
  throw new StampedeError('E_TARGET_FILE', lines[0] ?? `${file}: invalid target file`, lines.slice(1));
}

/** Type guard for targets built by this loader (the driver checks `supportedKinds` with it). */
export function isHttpTarget(t: Target): t is LoadedHttpTarget {
  return t instanceof HttpTarget;
}
