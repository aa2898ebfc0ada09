/**
 * Splits a gate expression into located tokens. Words are separated by blanks; comparison
 * operators are tokens of their own even without blanks around them (`p99<250ms`), so the
 * parser sees the same tokens however the user spaced the expression.
 */
import { GATE_OPS, type GateOp } from './gate.js';

/** One token with its 1-based column in the expression. */
export interface GateToken {
  readonly kind: 'word' | 'op';
  readonly text: string;
  readonly column: number;
}

/** A lexing problem: what is wrong and where, for the parser to put into its located message. */
export interface LexProblem {
  readonly what: string;
  readonly column: number;
  readonly expected: string;
}

const OP_CHARS = new Set(['<', '>', '=', '!']);
const BLANK = /\s/;

/** True when `text` is one of the comparison operators. */
export function isGateOp(text: string): text is GateOp {
  return (GATE_OPS as readonly string[]).includes(text);
}

/** The tokens of `expr`, or the first problem (a run of operator characters that is no operator). */
export function lexGate(expr: string): GateToken[] | LexProblem {
  const tokens: GateToken[] = [];
  let i = 0;
  while (i < expr.length) {
    const ch = expr[i]!;
    if (BLANK.test(ch)) {
      i++;
      continue;
    }
    const start = i;
    if (OP_CHARS.has(ch)) {
      while (i < expr.length && OP_CHARS.has(expr[i]!)) i++;
      const text = expr.slice(start, i);
      if (!isGateOp(text)) {
        return {
          what: `bad operator "${text}"`,
          column: start + 1,
          expected: `one of ${GATE_OPS.join(' ')}`,
        };
      }
      tokens.push({ kind: 'op', text, column: start + 1 });
      continue;
    }
    while (i < expr.length && !BLANK.test(expr[i]!) && !OP_CHARS.has(expr[i]!)) i++;
    tokens.push({ kind: 'word', text: expr.slice(start, i), column: start + 1 });
  }
  return tokens;
}
