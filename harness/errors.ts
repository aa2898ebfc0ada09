/**
 * Typed errors with stable codes, for everything that is the user's input rather than the target's
 * behaviour. The CLI prints `stampede: <message>` on one line and exits with `exitCode`; nothing in
 * the hot path throws these (a failed request is data, not an error).
 */

export type ErrorCode =
  | 'E_USAGE'
  | 'E_PROFILE'
  | 'E_TARGET_FILE'
  | 'E_TARGET_UNREACHABLE'
  | 'E_TARGET_NOT_ALLOWED'
  | 'E_GATE'
  | 'E_RUN_DIR'
  | 'E_K6_INPUT'
  | 'E_IO';

/** Bad input: a profile, a target file, a flag, a run directory. Exit code 2 by contract. */
export class StampedeError extends Error {
  readonly code: ErrorCode;
  readonly exitCode: number;
  /** Further located problems when one input had several (a profile reports all at once). */
  readonly details: readonly string[];

  constructor(code: ErrorCode, message: string, details: readonly string[] = []) {
    super(message);
    this.name = 'StampedeError';
    this.code = code;
    this.exitCode = 2;
    this.details = details;
  }
}

/** Normalizes anything thrown into a message, once, at the edges. */
export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}

/** Exit codes of the CLI contract (DESIGN.md). */
export const ExitCode = {
  ok: 0,
  gateFailed: 1,
  badInput: 2,
  internal: 3,
  interrupted: 130,
} as const;
