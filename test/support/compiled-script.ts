/**
 * The node arguments that run a TypeScript test server (a loopback server the tests spawn) as
 * plain JavaScript: the file is bundled once per test process with esbuild (its local imports
 * inlined, packages left to node_modules) into node_modules/.cache, where bare imports still
 * resolve. `node --import tsx file.ts` spent ~180 ms and ~0.4 s of CPU compiling at every spawn
 * (~70 ms ready without it), and the suite spawns such servers over a hundred times.
 */
import { mkdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSync } from 'esbuild';

const CACHE = fileURLToPath(new URL('../../node_modules/.cache/stampede-test-scripts/', import.meta.url));
const built = new Map<string, string>();

/** `[script]` for `node`: the bundle of `tsFile`, built on first use in this process. */
export function nodeArgsFor(tsFile: string): string[] {
  let out = built.get(tsFile);
  if (out === undefined) {
    mkdirSync(CACHE, { recursive: true });
    out = join(CACHE, `${process.pid}-${built.size}-${basename(tsFile, '.ts')}.mjs`);
    buildSync({
      entryPoints: [tsFile],
      outfile: out,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      packages: 'external',
      logLevel: 'error',
    });
    built.set(tsFile, out);
  }
  return [out];
}
