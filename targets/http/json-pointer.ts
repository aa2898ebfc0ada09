/**
 * RFC 6901 JSON pointers (`/messages/0/token`), parsed once at load and resolved per response
 * without throwing.
 */

/** A parsed pointer: its reference tokens, unescaped. */
export type JsonPointer = readonly string[];

/** Parses `/a/b~1c/0`; undefined when it does not start with `/` or has a bad escape. */
export function parseJsonPointer(text: string): JsonPointer | undefined {
  if (!text.startsWith('/')) return undefined;
  const tokens = text.slice(1).split('/');
  for (const t of tokens) if (/~[^01]|~$/.test(t)) return undefined;
  return tokens.map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** The value at `pointer` in `doc`, or undefined when the path leaves the document. */
export function resolveJsonPointer(doc: unknown, pointer: JsonPointer): unknown {
  let cur: unknown = doc;
  for (const token of pointer) {
    if (Array.isArray(cur)) {
      // `-1` counts from the end: a mailbox's newest message is `/messages/-1`.
      const i = token === '-1' ? cur.length - 1 : /^(0|[1-9]\d*)$/.test(token) ? Number(token) : Number.NaN;
      if (!(i >= 0 && i < cur.length)) return undefined;
      cur = cur[i];
    } else if (cur !== null && typeof cur === 'object') {
      if (!Object.hasOwn(cur, token)) return undefined;
      cur = (cur as Record<string, unknown>)[token];
    } else {
      return undefined;
    }
  }
  return cur;
}
