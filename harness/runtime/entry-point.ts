/**
 * Finds the file to run in a worker thread or child process, beside the calling module. Compiled
 * code (dist/, .js) runs as is; TypeScript sources (tests under vitest, benches under tsx) need
 * the tsx loader in the new thread or process, which `execArgv` carries.
 */
import { fileURLToPath } from 'node:url';

export interface EntryPoint {
  /** Absolute path of the entry file. */
  readonly file: string;
  /** Node options the new thread/process needs to load it. */
  readonly execArgv: string[];
}

/** `entryPoint(import.meta.url, './shard-worker')` -> the .js or .ts sibling, with its loader. */
export function entryPoint(callerUrl: string, relativeStem: string): EntryPoint {
  const isTs = callerUrl.endsWith('.ts');
  const url = new URL(`${relativeStem}${isTs ? '.ts' : '.js'}`, callerUrl);
  return { file: fileURLToPath(url), execArgv: isTs ? ['--import', 'tsx'] : [] };
}
