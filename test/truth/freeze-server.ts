/**
 * Truth server of `freeze-catch-up.test.ts`: one event loop that blocks for `freezeMs` every
 * `periodMs` (a busy loop, as a GC pause or a blocking call makes one) in front of one FIFO worker
 * whose every job takes exactly `serviceMs`. The worker is scheduled on computed times, not on
 * chained callbacks: a request read at r is done at max(r, the previous job's end) + serviceMs, so
 * the server's own per-request overhead (parsing, writing, a busy machine) never stretches the
 * service. A freeze stops everything: nothing is read during it, and an answer due during it
 * leaves when it ends. Freezes are due on absolute times (start + k·periodMs), so a late one does
 * not shift the next, and each is logged as epoch-ms `[start, end]`: the test computes the truth
 * from the schedule that really happened. Params: `{ freezeMs, periodMs, serviceMs }`.
 */
import { createServer } from 'node:http';
import { epochMs } from './spawn-truth-server.js';

const { freezeMs, periodMs, serviceMs } = JSON.parse(process.argv[2] ?? '{}') as {
  freezeMs: number;
  periodMs: number;
  serviceMs: number;
};
const freezes: [number, number][] = [];
/** Epoch ms each request was read (diagnostics: how the backlog came in after a freeze). */
const reads: number[] = [];
let workerFreeAt = 0;

const origin = epochMs();
function armFreeze(k: number): void {
  setTimeout(
    () => {
      const start = epochMs();
      while (epochMs() < start + freezeMs) {
        // Busy on purpose: the whole process is stalled, as by a GC pause.
      }
      freezes.push([start, epochMs()]);
      armFreeze(Math.floor((epochMs() - origin) / periodMs) + 1);
    },
    Math.max(0, origin + k * periodMs - epochMs()),
  );
}
armFreeze(1);

const server = createServer((req, res) => {
  if (req.url === '/__truth') {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ freezes, reads }));
    return;
  }
  req.resume();
  const read = epochMs();
  reads.push(read);
  workerFreeAt = Math.max(read, workerFreeAt) + serviceMs;
  setTimeout(() => res.end('ok'), Math.max(0, workerFreeAt - read));
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  process.stdout.write(`${JSON.stringify({ port })}\n`);
});
process.on('SIGTERM', () => process.exit(0));
