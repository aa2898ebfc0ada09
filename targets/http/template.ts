/**
 * `{{name}}` templates of http target files, parsed and compiled once at load so a request costs
 * only string concatenation. `{{index:08}}` zero-pads a value to 8 characters.
 */

/** A literal run or a placeholder of a parsed template. */
export type TemplatePart = string | { readonly name: string; readonly width: number };

/** A parsed template, or the reason it does not parse. */
export type ParsedTemplate =
  | { readonly ok: true; readonly parts: readonly TemplatePart[] }
  | { readonly ok: false; readonly error: string };

const PLACEHOLDER = /\{\{\s*([A-Za-z_][A-Za-z0-9_-]*)(?::(0\d+))?\s*\}\}/g;

/** Splits `text` into literals and placeholders; unbalanced or malformed braces are an error. */
export function parseTemplate(text: string): ParsedTemplate {
  const parts: TemplatePart[] = [];
  let last = 0;
  for (const m of text.matchAll(PLACEHOLDER)) {
    const literal = text.slice(last, m.index);
    if (literal.includes('{{') || literal.includes('}}')) return { ok: false, error: malformed(literal) };
    if (literal) parts.push(literal);
    parts.push({ name: m[1] ?? '', width: m[2] ? Number(m[2]) : 0 });
    last = m.index + m[0].length;
  }
  const tail = text.slice(last);
  if (tail.includes('{{') || tail.includes('}}')) return { ok: false, error: malformed(tail) };
  if (tail) parts.push(tail);
  return { ok: true, parts };
}

function malformed(literal: string): string {
  const at = literal.includes('{{') ? literal.slice(literal.indexOf('{{')) : literal;
  return `malformed placeholder near "${at.slice(0, 24)}" (use {{name}} or {{name:08}})`;
}

/** Placeholder names used by a parsed template, in order of appearance. */
export function placeholderNames(parts: readonly TemplatePart[]): string[] {
  const out: string[] = [];
  for (const p of parts) if (typeof p !== 'string' && !out.includes(p.name)) out.push(p.name);
  return out;
}

/** A compiled template: context in, string out. */
export type Render<C> = (ctx: C) => string;

/**
 * Compiles parts into a renderer. `bind(name)` gives the getter of a placeholder's value once, at
 * compile time; `encode` is applied to every substituted value (JSON strings, URL paths).
 */
export function compileTemplate<C>(
  parts: readonly TemplatePart[],
  bind: (name: string) => (ctx: C) => string,
  encode?: (value: string) => string,
): Render<C> {
  const pieces = parts.map((p): string | ((ctx: C) => string) => {
    if (typeof p === 'string') return p;
    const get = bind(p.name);
    const width = p.width;
    if (encode && width > 0) return (ctx) => encode(get(ctx).padStart(width, '0'));
    if (encode) return (ctx) => encode(get(ctx));
    if (width > 0) return (ctx) => get(ctx).padStart(width, '0');
    return get;
  });
  const only = pieces[0];
  if (pieces.length === 0) return () => '';
  if (pieces.length === 1 && typeof only === 'string') return () => only;
  if (pieces.length === 1 && only !== undefined && typeof only !== 'string') return only;
  return (ctx) => {
    let out = '';
    for (const p of pieces) out += typeof p === 'string' ? p : p(ctx);
    return out;
  };
}

/** Escapes a value for the inside of a JSON string literal. */
export function jsonStringEscape(value: string): string {
  return JSON.stringify(value).slice(1, -1);
}
