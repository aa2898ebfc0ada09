/**
 * Finds the file to run in a worker thread or child process, beside the calling module. Compiled
 * code (dist/, .js) runs as is; TypeScript sources (tests under vitest, benches under tsx) need
 * the tsx loader in the new thread or process.
 */
import { fileURLToPath, pathToFileURL } from 'node:url';

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
