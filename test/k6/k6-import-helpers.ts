/**
 * Helpers of the k6 import tests: write generated NDJSON to a temp file, and read a run
 * directory's per-step figures in a comparable shape.
 */

import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Summary } from '../../reports/run-dir/summary.js';
import {
  emptyTruth,
  generateK6Lines,
  type K6GenLine,
  type K6GenOptions,
  type K6Truth,
} from './k6-ndjson-fixture.js';

/** A fresh temp directory for one test. */
export function tempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'stampede-k6-'));
}

/** Writes `lines` (newline-terminated) to `file`. */
export async function writeLines(file: string, lines: Iterable<string>): Promise<void> {
  const out = createWriteStream(file);
  for (const l of lines) if (!out.write(`${l}\n`)) await once(out, 'drain');
  out.end();
  await once(out, 'finish');
}

/** Generates a k6 file and returns its lines (with chunks) and the truth. */
export function generate(opts: K6GenOptions): { lines: K6GenLine[]; truth: K6Truth } {
  const truth = emptyTruth();
  const lines = [...generateK6Lines(opts, truth)];
  return { lines, truth };
}

/** Per-step counts of a summary: count, ok, offered, retries and every error class. */
export function stepCounts(s: Summary): Record<string, Record<string, number>> {
  const out: Record<string, Record<string, number>> = {};
  for (const [name, st] of Object.entries(s.steps)) {
    out[name] = { count: st.count, ok: st.ok, offered: st.offered, retries: st.retries, ...st.errors };
  }
  return out;
}
