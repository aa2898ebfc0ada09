/**
 * The benchmark's loopback server, run as its own process (pinned to its own core by the suite):
 * `node bench/support/bench-server.ts <ok|freeze>` prints `{"port":N}` on its first line.
 * - `ok`: answers 200 `ok` at once; the minimal node:http target of the throughput ceiling.
 * - `freeze`: the same, but blocks its event loop for 1 s every 5 s from its start, and logs each
 *   freeze as epoch-ms `[start, end]`, so the latency truth can be computed from the real schedule.
 * `GET /__stats` gives `{ count, perSecond, firstSecondMs, freezes }`: requests (excluding /__stats)
 * counted per epoch second, `perSecond[i]` being the second starting at `firstSecondMs + i*1000`.
 * Plain JS-compatible TypeScript on purpose: it needs no loader beyond Node's type stripping or tsx.
 */
import { createServer } from 'node:http';

const mode = process.argv[2] ?? 'ok';
let count = 0;
let firstSecond = -1;
const perSecond: number[] = [];
const freezes: [number, number][] = [];
const epochMs = (): number => performance.timeOrigin + performance.now();

if (mode === 'freeze') {
  setInterval(() => {
    const start = epochMs();
    const until = Date.now() + 1000;
    while (Date.now() < until) {
      // Busy on purpose: a stalled server, as a GC pause or a blocking call makes one.
    }
    freezes.push([start, epochMs()]);
  }, 5000);
}

const server = createServer((req, res) => {
  if (req.url === '/__stats') {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ count, perSecond, firstSecondMs: firstSecond * 1000, freezes }));
    return;
  }
  // Counted on arrival at the server: the achieved rate is what the target saw.
  const sec = Math.floor(Date.now() / 1000);
  if (firstSecond < 0) firstSecond = sec;
  const i = sec - firstSecond;
  perSecond[i] = (perSecond[i] ?? 0) + 1;
  count++;
  res.end('ok');
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  process.stdout.write(`${JSON.stringify({ port })}\n`);
});
process.on('SIGTERM', () => process.exit(0));
