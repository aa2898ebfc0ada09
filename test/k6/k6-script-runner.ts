/**
 * Runs an exported k6 script's own code under plain Node: the TypeScript is transpiled (types
 * stripped, as k6 does), its `k6`, `k6/http`, `k6/metrics` and `k6/execution` imports point at
 * the tiny fakes in ./fake-k6 (which record calls and answer from a real loopback server), and
 * the flow functions run in a worker thread on a virtual clock (`sleep` advances `Date.now`).
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import ts from 'typescript';
import { tempDir } from './k6-import-helpers.js';

const FAKES = new URL('./fake-k6/', import.meta.url);

/** What the fakes recorded. */
export interface FakeK6Record {
  readonly calls: {
    method: string;
    url: string;
    body: string | null;
    headers: Record<string, string>;
    tags: Record<string, string>;
    status: number;
  }[];
  readonly checks: { name: string; pass: boolean }[];
  readonly samples: { metric: string; value: number; tags: Record<string, string>; time: number }[];
  readonly sleeps: number[];
}

/** Transpiles `code` and rewires its k6 imports to the fakes; returns the module's URL. */
export async function loadableScript(code: string): Promise<string> {
  const js = ts.transpileModule(code, {
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
  }).outputText;
  const wired = js
    .replace(/from 'k6\/http'/g, `from '${new URL('http.mjs', FAKES).href}'`)
    .replace(/from 'k6\/metrics'/g, `from '${new URL('metrics.mjs', FAKES).href}'`)
    .replace(/from 'k6\/execution'/g, `from '${new URL('execution.mjs', FAKES).href}'`)
    .replace(/from 'k6'/g, `from '${new URL('k6.mjs', FAKES).href}'`);
  if (/from 'k6/.test(wired)) throw new Error('an import of k6 was left unwired');
  const file = join(await tempDir(), 'script.mjs');
  await writeFile(file, wired);
  return pathToFileURL(file).href;
}

/**
 * Calls `fn` once per iteration number in a worker; resolves with what the fakes recorded.
 * `oversleepMs`: every sleep wakes that much late (virtual time).
 */
export async function runFlows(
  code: string,
  calls: readonly { fn: string; iteration: number }[],
  env: Record<string, string>,
  startMs: number,
  oversleepMs = 0,
): Promise<FakeK6Record> {
  const scriptUrl = await loadableScript(code);
  const worker = new Worker(new URL('runner.mjs', FAKES), {
    workerData: { scriptUrl, calls, env, startMs, oversleepMs },
  });
  return new Promise((resolve, reject) => {
    worker.once('message', (m: FakeK6Record) => {
      void worker.terminate();
      resolve(m);
    });
    worker.once('error', reject);
  });
}
