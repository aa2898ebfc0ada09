/**
 * The loopback HTTP server of the driver tests and the benchmarks, run as its own process (so a
 * frozen event loop is the server's, not the caller's). Usage:
 * `node --import tsx load-test-server.ts <mode> [arg]`; prints `{"port":N}` on its first stdout line.
 * Modes:
 * - `ok`: answers 200 at once (the minimal node:http target of the benchmarks);
 * - `freeze`: answers 200, but blocks its event loop for 1 s every 5 s (from its start) and logs
 *   each freeze as epoch-ms `[start, end]`, so a latency truth can be computed from the real schedule;
 * - `slow <ms>`: answers 200 after <ms>;
 * - `unavailable`: answers 503 with `Retry-After: 0`.
 * `GET /__stats` returns `{ count, perSecond, firstSecondMs, freezes }`: requests seen (excluding
 * /__stats), counted on arrival per epoch second, `perSecond[i]` being the second starting at
 * `firstSecondMs + i*1000`.
 */
import { createServer } from 'node:http';

const mode = process.argv[2] ?? 'ok';
const arg = Number(process.argv[3] ?? '0');
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
  // Answer without waiting for the request's end: the ceiling benchmark needs the cheapest path;
  // a body, if any, is drained and ignored.
  req.resume();
  if (mode === 'unavailable') {
    res.writeHead(503, { 'retry-after': '0' });
    res.end('down');
  } else if (mode === 'slow') {
    setTimeout(() => res.end('ok'), arg);
  } else {
    res.end('ok');
  }
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  process.stdout.write(`${JSON.stringify({ port })}\n`);
});
process.on('SIGTERM', () => process.exit(0));
