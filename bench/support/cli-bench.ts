/**
 * What the benches that drive the compiled CLI share: the CLI they run (`STAMPEDE_BIN` points
 * at a frozen build, so a rebuild cannot change it mid-bench) and their numeric flags.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The stampede CLI under test. */
export const BIN = process.env['STAMPEDE_BIN'] ?? join(ROOT, 'bin/stampede.js');

/** The positive number after `--name` on the command line, or `fallback`. */
export function numberArg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!(v > 0)) throw new Error(`--${name} must be a positive number`);
  return v;
}
