/**
 * Located profile problems. Every check (YAML syntax, schema, semantics) adds to one list so the
 * user sees every problem of a profile at once, each on one line:
 * `file:line:col  field.path  what is wrong`.
 */
import { StampedeError } from '../errors.js';

/** A position in a YAML file; line and col are 1-based, file is as shown to the user. */
export interface SourceLoc {
  readonly file: string;
  readonly line: number;
  readonly col: number;
}

/** One step of a field path: a mapping key or a list index. */
export type PathSeg = string | number;

/** One located problem. */
export interface Problem {
  readonly loc: SourceLoc;
  readonly path: readonly PathSeg[];
  readonly message: string;
}

/** `['regions', 0, 'phases', 1]` -> `regions[0].phases[1]`; the empty path is `(root)`. */
export function formatPath(path: readonly PathSeg[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else out += out === '' ? seg : `.${seg}`;
  }
  return out === '' ? '(root)' : out;
}

/** The one-line form of a problem. */
export function formatProblem(p: Problem): string {
  return `${p.loc.file}:${p.loc.line}:${p.loc.col}  ${formatPath(p.path)}  ${p.message}`;
}

/** Collects problems, drops exact duplicates, and throws them all as one StampedeError. */
export class ProblemList {
  readonly #problems: Problem[] = [];
  readonly #seen = new Set<string>();

  /** Records a problem unless the same line was already recorded. */
  add(loc: SourceLoc, path: readonly PathSeg[], message: string): void {
    const p: Problem = { loc, path: [...path], message };
    const line = formatProblem(p);
    if (this.#seen.has(line)) return;
    this.#seen.add(line);
    this.#problems.push(p);
  }

  /** Number of distinct problems so far. */
  get size(): number {
    return this.#problems.length;
  }

  /** The problems in file, line, column order (the order the user reads the file in). */
  sorted(): Problem[] {
    return [...this.#problems].sort(
      (a, b) =>
        a.loc.file.localeCompare(b.loc.file) ||
        a.loc.line - b.loc.line ||
        a.loc.col - b.loc.col ||
        formatPath(a.path).localeCompare(formatPath(b.path)),
    );
  }

  /** Throws `E_PROFILE` with the first problem as the message and the rest as details. */
  throwIfAny(): void {
    if (this.#problems.length === 0) return;
    const lines = this.sorted().map(formatProblem);
    throw new StampedeError('E_PROFILE', lines[0] ?? '', lines.slice(1));
  }
}
