/**
 * One shared run of the main job (`npm start`: psn-relaunch-local against the embedded reference
 * target) for every end-to-end test that needs it: the first e2e file to ask runs the CLI, later
 * files (the e2e group runs them one at a time, each in its own fork of the same vitest process)
 * find the finished run directory and read it. Keyed by the vitest process, so two suites never
 * share one, and a run that failed is not reused.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCli } from '../reliability/cli-process.js';

const PROFILE = fileURLToPath(new URL('../../profiles/psn-relaunch-local.yaml', import.meta.url));

export interface RelaunchRun {
  /** The run directory (summary.json, report.html, ...). */
  readonly dir: string;
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** The main job's run, made once per vitest process. */
export async function relaunchRun(): Promise<RelaunchRun> {
  const base = join(tmpdir(), `stampede-relaunch-${process.env['STAMPEDE_SUITE_ID'] ?? process.ppid}`);
  const done = join(base, 'done.json');
  if (existsSync(done)) return JSON.parse(readFileSync(done, 'utf8')) as RelaunchRun;
  mkdirSync(base, { recursive: true });
  const dir = join(base, 'run');
  const r = await runCli(['run', PROFILE, '--out', dir], 240_000);
  const run: RelaunchRun = { dir, exitCode: r.code, stdout: r.stdout, stderr: r.stderr };
  if (existsSync(join(dir, 'summary.json'))) writeFileSync(done, JSON.stringify(run));
  return run;
}
