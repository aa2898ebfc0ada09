/**
 * Compiled readers of responses: captures (JSON pointer or header, optionally narrowed by a
 * regex) and success checks. Built once at load; per response they only walk and match.
 */
import type { ResponseView } from '../target.js';
import type { CaptureDoc } from './http-target-doc.js';
import { type JsonPointer, parseJsonPointer, resolveJsonPointer } from './json-pointer.js';

/** A response plus its body parsed at most once, on first need. */
export class ParsedResponse {
  readonly view: ResponseView;
  #parsed = false;
  #json: unknown;

  constructor(view: ResponseView) {
    this.view = view;
  }

  /** The body as JSON, or undefined when absent or not JSON (never throws). */
  json(): unknown {
    if (!this.#parsed) {
      this.#parsed = true;
      try {
        this.#json = this.view.body ? JSON.parse(this.view.body) : undefined;
      } catch {
        this.#json = undefined;
      }
    }
    return this.#json;
  }
}

/** Reads one value from a response, or undefined when it is not there. */
export type Extractor = (r: ParsedResponse) => string | undefined;

/** Compiles a capture; the doc was checked at load, so pointers and regexes are valid. */
export function compileCapture(cap: CaptureDoc): Extractor {
  const pointer = cap.json !== undefined ? parseJsonPointer(cap.json) : undefined;
  const header = cap.header?.toLowerCase();
  const select: Extractor = pointer
    ? (r) => asText(resolveJsonPointer(r.json(), pointer))
    : header !== undefined
      ? (r) => headerValue(r.view, header)
      : (r) => r.view.body;
  if (cap.regex === undefined) return select;
  const re = new RegExp(cap.regex);
  const groups = (new RegExp(`${cap.regex}|`).exec('')?.length ?? 1) - 1;
  const group = cap.group ?? (groups > 0 ? 1 : 0);
  return (r) => {
    const text = select(r);
    if (text === undefined) return undefined;
    return re.exec(text)?.[group] ?? undefined;
  };
}

/** Compiles a success check: the pointer must resolve (and equal `equals` when given). */
export function compileSuccess(
  json: string,
  equals: unknown,
  hasEquals: boolean,
): (r: ParsedResponse) => boolean {
  const pointer = parseJsonPointer(json) as JsonPointer;
  return (r) => {
    const v = resolveJsonPointer(r.json(), pointer);
    return hasEquals ? v === equals : v !== undefined && v !== null;
  };
}

function asText(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (v === null || v === undefined) return undefined;
  // An empty list or mapping is "nothing there yet" (a mailbox without messages).
  if (Array.isArray(v)) return v.length === 0 ? undefined : JSON.stringify(v);
  return Object.keys(v).length === 0 ? undefined : JSON.stringify(v);
}

function headerValue(view: ResponseView, name: string): string | undefined {
  const v = view.headers[name];
  return Array.isArray(v) ? v[0] : v;
}
