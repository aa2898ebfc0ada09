/**
 * The JSON rendering: exactly the run's summary.json content (schema: summary.schema.json), so a
 * script can pipe `stampede report --format json` into the same code that reads the file.
 */
import type { RunData } from '../run-dir/run-data.js';

/** summary.json, pretty-printed, ending with a newline. */
export function renderJson(run: RunData): string {
  return `${JSON.stringify(run.summary, null, 2)}\n`;
}
