/**
 * Truth server of `worker-queue-onset.test.ts`: `workers` workers, each job exactly `serviceMs`,
 * FIFO, at most `queue` requests waiting beyond the ones in service; a request that finds
 * workers + queue requests in the system is turned away with 503 at once. Capacity: workers /
 * serviceMs. Jobs are scheduled on computed times (a job read at r starts at max(r, the earliest
 * worker's end)), so the server's own overhead never lowers its capacity below c/S. Every
 * request's read time and end time (epoch ms; -1 when turned away) are logged, so the test knows
 * how many requests were in the system at any instant. Params: `{ workers, serviceMs, queue }`.
 */
import { createServer } from 'node:http';
import { epochMs } from './spawn-truth-server.js';

const { workers, serviceMs, queue } = JSON.parse(process.argv[2] ?? '{}') as {
  workers: number;
  serviceMs: number;
  queue: number;
};
const freeAt = new Array<number>(workers).fill(0);
/** Ends of the jobs admitted and not yet done, in admission order (FIFO: ends ascend). */
const ends: number[] = [];
let head = 0;
/** [read epoch ms, end epoch ms or -1 when turned away] per request. */
const log: [number, number][] = [];

const server = createServer((req, res) => {
  if (req.url === '/__truth') {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ log }));
    return;
  }
  req.resume();
  const t = epochMs();
  while (head < ends.length && ends[head]! <= t) head++;
  if (ends.length - head >= workers + queue) {
    log.push([t, -1]);
    res.statusCode = 503;
    res.end('busy');
    return;
  }
  let w = 0;
  for (let i = 1; i < workers; i++) if (freeAt[i]! < freeAt[w]!) w = i;
  const end = Math.max(t, freeAt[w]!) + serviceMs;
  freeAt[w] = end;
  ends.push(end);
  log.push([t, end]);
  setTimeout(() => res.end('ok'), Math.max(0, end - epochMs()));
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  process.stdout.write(`${JSON.stringify({ port })}\n`);
});
process.on('SIGTERM', () => process.exit(0));
