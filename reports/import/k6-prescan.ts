/**
 * The first, cheap pass over a k6 JSON file: is it k6 output at all, which step names does it
 * carry and when is its earliest point. A run directory fixes its steps and t0 when it is
 * created, and points arrive out of order, so both must be known before the first interval is
 * written. Substring searches only (no JSON.parse), so the pass costs a fraction of the import.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { errorMessage, StampedeError } from '../../harness/errors.js';
import { parseK6TimeMs, readK6Line } from './k6-line.js';

/** What the pre-scan learned. */
export interface K6Prescan {
  /** Step names in order of first appearance. */
  readonly steps: readonly string[];
  /** Earliest point time (epoch ms), NaN when there is no point. */
  readonly firstMs: number;
  /** Latest point time (epoch ms). */
  readonly lastMs: number;
  readonly lines: number;
  readonly bytes: number;
}

const STEP_KEY = '"step":"';
const TIME_KEY = '"time":"';

/** Opens `file` as a line stream; a missing file is a one-line E_USAGE error. */
export function k6Lines(file: string): { lines: AsyncIterable<string>; stream: NodeJS.ReadableStream } {
  const stream = createReadStream(file, { encoding: 'utf8', highWaterMark: 1 << 20 });
  return { lines: createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY }), stream };
}

/** Reads `file` once; throws E_K6_INPUT `file:line  what` when it is not k6 JSON output. */
export async function prescanK6(file: string): Promise<K6Prescan> {
  const steps: string[] = [];
  const seen = new Set<string>();
  let firstMs = Number.POSITIVE_INFINITY;
  let lastMs = Number.NEGATIVE_INFINITY;
  let lines = 0;
  let bytes = 0;
  let firstChecked = false;
  const { lines: it } = k6Lines(file);
  try {
    for await (const line of it) {
      lines++;
      bytes += line.length + 1;
      if (!firstChecked) {
        if (line.trim() === '') continue;
        firstChecked = true;
        const first = readK6Line(line);
        if (first.kind === 'bad') {
          throw new StampedeError('E_K6_INPUT', `${file}:${lines}  ${first.why}: not k6 --out json output`);
        }
      }
      const t = line.indexOf(TIME_KEY);
      if (t >= 0) {
        const start = t + TIME_KEY.length;
        const ms = parseK6TimeMs(line.slice(start, line.indexOf('"', start)));
        if (ms < firstMs) firstMs = ms;
        if (ms > lastMs) lastMs = ms;
      }
      const s = line.indexOf(STEP_KEY);
      if (s >= 0) {
        const start = s + STEP_KEY.length;
        const name = line.slice(start, line.indexOf('"', start));
        if (!seen.has(name)) {
          seen.add(name);
          steps.push(name);
        }
      }
    }
  } catch (err: unknown) {
    if (err instanceof StampedeError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    throw new StampedeError('E_K6_INPUT', `${file}: cannot read (${code ?? errorMessage(err)})`);
  }
  if (!firstChecked) throw new StampedeError('E_K6_INPUT', `${file}:1  empty file: not k6 --out json output`);
  return { steps, firstMs: Number.isFinite(firstMs) ? firstMs : Number.NaN, lastMs, lines, bytes };
}
