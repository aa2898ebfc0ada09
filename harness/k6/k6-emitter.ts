/**
 * The small code emitter the k6 exporter prints with: indented lines, string literals escaped by
 * `JSON.stringify` (a JSON string is a valid JS string literal once U+2028/U+2029 are escaped),
 * object literals from plain data, and k6 duration strings. Nothing here knows about profiles.
 */

/** A JS string literal of `s`, safe inside any generated source. */
export function lit(s: string): string {
  return JSON.stringify(s)
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** A JS expression for plain data (objects, arrays, strings, finite numbers, booleans, null). */
export function dataLiteral(v: unknown, indent = '', step = '  '): string {
  if (typeof v === 'string') return lit(v);
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new Error(`cannot emit a non-finite number (${v})`);
    return String(v);
  }
  if (typeof v === 'boolean' || v === null) return String(v);
  const inner = indent + step;
  if (Array.isArray(v)) {
    if (v.length === 0) return '[]';
    const flat = v.every((x) => typeof x !== 'object' || x === null);
    if (flat) return `[${v.map((x) => dataLiteral(x)).join(', ')}]`;
    return `[\n${v.map((x) => inner + dataLiteral(x, inner, step)).join(',\n')},\n${indent}]`;
  }
  if (typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined);
    if (entries.length === 0) return '{}';
    const key = (k: string): string => (/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(k) ? k : lit(k));
    const small = entries.every(([, x]) => typeof x !== 'object' || x === null) && entries.length <= 4;
    if (small) return `{ ${entries.map(([k, x]) => `${key(k)}: ${dataLiteral(x)}`).join(', ')} }`;
    return `{\n${entries.map(([k, x]) => `${inner}${key(k)}: ${dataLiteral(x, inner, step)}`).join(',\n')},\n${indent}}`;
  }
  throw new Error(`cannot emit a ${typeof v}`);
}

/**
 * A k6 duration for `seconds`: whole hours/minutes/seconds when exact, else milliseconds
 * (k6 durations are Go durations; `1500ms` is as valid as `1.5s` and never loses precision).
 */
export function k6Duration(seconds: number): string {
  const ms = Math.round(seconds * 1000);
  if (ms % 3_600_000 === 0 && ms > 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0 && ms > 0) return `${ms / 60_000}m`;
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}

/** Lines of generated code with an indentation level; `block` nests a `{ ... }`. */
export class CodeWriter {
  readonly #lines: string[] = [];
  #depth = 0;

  /** Appends one line (or several, each indented) at the current depth. */
  line(text = ''): this {
    for (const l of text.split('\n')) this.#lines.push(l === '' ? '' : '  '.repeat(this.#depth) + l);
    return this;
  }

  /** `head {`, the body one level deeper, then `}` + `tail`. */
  block(head: string, body: () => void, tail = ''): this {
    this.line(`${head} {`);
    this.#depth++;
    body();
    this.#depth--;
    this.line(`}${tail}`);
    return this;
  }

  /** A `//` comment, one line per entry. */
  comment(lines: readonly string[]): this {
    for (const l of lines) this.line(l === '' ? '//' : `// ${l}`);
    return this;
  }

  /** The code so far, newline-terminated. */
  toString(): string {
    return `${this.#lines.join('\n')}\n`;
  }
}
