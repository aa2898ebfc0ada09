/**
 * Finds the file to run in a worker thread or child process, beside the calling module. Compiled
 * code (dist/, .js) runs as is; TypeScript sources (tests under vitest, benches under tsx) need
 * the tsx loader in the new thread or process.
 */
import { existsSync } from 'node:fs';
import { relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * Set (to '1') by vitest.config.ts under `npm test`, which compiles dist/ just before vitest: a
 * TypeScript caller's thread or process then runs the compiled sibling, fresh from that build,
 * instead of paying ~0.3 s of CPU for tsx at every start. Any other run of the sources (vitest
 * alone, benches under tsx) keeps tsx, since its dist/ may be older than the sources.
 */
export const COMPILED_ENTRIES_ENV = 'STAMPEDE_COMPILED_ENTRIES';

/** The project root, for the TypeScript path only (this file is then harness/runtime/entry-point.ts). */
const SOURCE_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** `<root>/targets/x/y.ts` -> `<root>/dist/targets/x/y.js` when that file exists, else null. */
function compiledSibling(tsFile: string): string | null {
  const js = `${SOURCE_ROOT}dist/${relative(SOURCE_ROOT, tsFile).replace(/\.ts$/, '.js')}`;
  return existsSync(js) ? js : null;
}

export interface EntryPoint {
  /** Absolute path of the entry file. */
  readonly file: string;
  /** Node options a child process needs to load it. */
  readonly execArgv: string[];
  /** What to hand `new Worker(...)`: the file itself, or for TypeScript a bootstrap that registers tsx first. */
  readonly workerUrl: URL;
}

/** `entryPoint(import.meta.url, './shard-worker')` -> the .js or .ts sibling, with its loader. */
export function entryPoint(callerUrl: string, relativeStem: string): EntryPoint {
  const isTs = callerUrl.endsWith('.ts');
  const url = new URL(`${relativeStem}${isTs ? '.ts' : '.js'}`, callerUrl);
  if (!isTs) return { file: fileURLToPath(url), execArgv: [], workerUrl: url };
  const compiled = process.env[COMPILED_ENTRIES_ENV] === '1' ? compiledSibling(fileURLToPath(url)) : null;
  if (compiled !== null) return { file: compiled, execArgv: [], workerUrl: pathToFileURL(compiled) };
  // `--import tsx` in a worker's execArgv is not honoured on Node 20, so a TypeScript worker starts
  // from a tiny ESM bootstrap that registers tsx in the thread, then imports the real entry.
  const api = import.meta.resolve('tsx/esm/api');
  const code = `import { register } from ${JSON.stringify(api)}; register(); await import(${JSON.stringify(pathToFileURL(fileURLToPath(url)).href)});`;
  return {
    file: fileURLToPath(url),
    execArgv: ['--import', 'tsx'],
    workerUrl: new URL(`data:text/javascript,${encodeURIComponent(code)}`),
  };
}
