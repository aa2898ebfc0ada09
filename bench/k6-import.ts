/**
 * k6 import throughput and memory: streams a synthetic k6 `--out json` file of `--size-mb` MB
 * (default 1024) into os.tmpdir(), imports it into a run directory, prints lines/s, MB/s and
 * peak RSS (sampled during the import and from the OS), then deletes both.
 *
 *   node --import tsx bench/k6-import.ts [--size-mb 1024]
 */

import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { importK6 } from '../reports/import/import-k6.js';
import { emptyTruth, generateK6Lines } from '../test/k6/k6-ndjson-fixture.js';

const { values } = parseArgs({ options: { 'size-mb': { type: 'string', default: '1024' } } });
const sizeMb = Number(values['size-mb']);
if (!(sizeMb > 0)) throw new Error('--size-mb must be a positive number');

const dir = await mkdtemp(join(tmpdir(), 'stampede-k6-bench-'));
const file = join(dir, 'out.json');
try {
  const limit = sizeMb * 1024 * 1024;
  const out = createWriteStream(file, { highWaterMark: 1 << 20 });
  const truth = emptyTruth();
  let written = 0;
  const genStart = performance.now();
  // Long enough that the size limit, not the duration, ends the file: ~1.4 kB per request.
  const gen = generateK6Lines(
    {
      seed: 1,
      startMs: Date.UTC(2024, 4, 9, 12),
      durationS: 1e7,
      ratePerS: 400,
      steps: ['login', 'reset-request', 'reset-confirm'],
    },
    truth,
  );
  for (const { line } of gen) {
    written += line.length + 1;
    if (!out.write(`${line}\n`)) await once(out, 'drain');
    if (written >= limit) break;
  }
  out.end();
  await once(out, 'finish');
  const genS = (performance.now() - genStart) / 1000;
  const bytes = (await stat(file)).size;

  let peakRss = process.memoryUsage().rss;
  const rssBefore = peakRss;
  const timer = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }, 20);
  const t0 = performance.now();
  const res = await importK6(file, join(dir, 'run'));
  const s = (performance.now() - t0) / 1000;
  clearInterval(timer);
  peakRss = Math.max(peakRss, process.memoryUsage().rss);

  const mb = bytes / 1024 / 1024;
  const rows: [string, string][] = [
    ['file size', `${mb.toFixed(0)} MB`],
    ['lines', String(res.lines)],
    ['points read', String(res.points)],
    ['generate', `${genS.toFixed(1)} s`],
    ['import (2 passes)', `${s.toFixed(1)} s`],
    ['lines/s', Math.round(res.lines / s).toLocaleString('en-US')],
    ['MB/s', (mb / s).toFixed(1)],
    ['RSS before import', `${(rssBefore / 1048576).toFixed(0)} MB`],
    ['peak RSS during import', `${(peakRss / 1048576).toFixed(0)} MB`],
    ['max RSS (OS, whole process)', `${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`],
    ['run duration', `${res.summary.durationS} s`],
  ];
  const w = Math.max(...rows.map((r) => r[0].length));
  console.log(`k6 import, ${sizeMb} MB synthetic --out json`);
  for (const [k, v] of rows) console.log(`${k.padEnd(w)}  ${v}`);
} finally {
  await rm(dir, { recursive: true, force: true });
}
