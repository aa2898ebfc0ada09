/**
 * A loopback HTTP server for driver tests, run as its own process (so a frozen event loop is the
 * server's, not the test's). Usage: `node --import tsx load-test-server.ts <mode> [arg]`; prints
 * `{"port":N}` on its first stdout line. Modes:
 * - `ok`: answers 200 at once;
 * - `freeze`: answers 200, but blocks its event loop for 1 s every 5 s (from its start);
 * - `slow <ms>`: answers 200 after <ms>;
 * - `unavailable`: answers 503 with `Retry-After: 0`.
 * `GET /__stats` returns `{ count, perSecond }`: requests seen (excluding /__stats), by second since
 * the first request.
 */
import { createServer } from 'node:http';

const mode = process.argv[2] ?? 'ok';
const arg = Number(process.argv[3] ?? '0');
let count = 0;
let firstMs = 0;
const perSecond: number[] = [];
const startedMs = Date.now();

if (mode === 'freeze') {
  setInterval(() => {
    const until = Date.now() + 1000;
    while (Date.now() < until) {
      // Busy on purpose: a stalled server, as a GC pause or a blocking call makes one.
    }
  }, 5000);
}

const server = createServer((req, res) => {
  if (req.url === '/__stats') {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ count, perSecond, uptimeMs: Date.now() - startedMs }));
    return;
  }
  const now = Date.now();
  if (count === 0) firstMs = now;
  count++;
  const s = Math.floor((now - firstMs) / 1000);
  perSecond[s] = (perSecond[s] ?? 0) + 1;
  req.resume();
  req.on('end', () => {
    if (mode === 'unavailable') {
      res.writeHead(503, { 'retry-after': '0' });
      res.end('down');
    } else if (mode === 'slow') {
      setTimeout(() => res.end('ok'), arg);
    } else {
      res.end('ok');
    }
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  process.stdout.write(`${JSON.stringify({ port })}\n`);
});
process.on('SIGTERM', () => process.exit(0));
