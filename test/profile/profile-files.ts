/**
 * Test helpers: profiles written to a fresh temp dir, and the problem lines a failed load reports.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StampedeError } from '../../harness/errors.js';
import { loadProfile } from '../../harness/profile/load-profile.js';

/** A temp dir for one test file's profiles; `cleanup` removes it. */
export interface ProfileDir {
  readonly dir: string;
  /** Writes `text` as `name` in the dir and returns its absolute path. */
  write(name: string, text: string): string;
  cleanup(): void;
}

/** Creates a temp dir for profiles. */
export function profileDir(): ProfileDir {
  const dir = mkdtempSync(join(tmpdir(), 'stampede-profile-'));
  return {
    dir,
    write(name, text) {
      const file = join(dir, name);
      writeFileSync(file, text);
      return file;
    },
    cleanup() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Every line a failing load reports (message then details); fails the test if the load succeeds. */
export async function problemLines(path: string): Promise<string[]> {
  try {
    await loadProfile(path);
  } catch (err: unknown) {
    if (!(err instanceof StampedeError)) throw err;
    if (err.code !== 'E_PROFILE' || err.exitCode !== 2)
      throw new Error(`unexpected ${err.code}/${err.exitCode}`);
    return [err.message, ...err.details];
  }
  throw new Error(`expected ${path} to be rejected`);
}

/** A small valid profile; tests derive bad ones from it line by line. */
export const VALID_PROFILE = `population: { accounts: 1000, mustResetShare: 0.5 }
flows:
  reset:
    weight: 0.6
    accounts: must-reset
    steps: [login, reset-request, await-mail, reset-confirm, login-new]
  plain:
    weight: 0.4
    steps: [login]
phases:
  - { constant: 10, duration: 5s }
`;
