/**
 * Truth server of `healthy-think-time.test.ts` and `client-queue-service.test.ts`: answers every
 * request 200 exactly `delayMs` after reading it (a timer per request, so any number of requests
 * are served at once: the server itself never queues). Logs every request's read time (epoch
 * ms). Params: `{ delayMs }`.
 */
import { createServer } from 'node:http';
import { epochMs } from './spawn-truth-server.js';

const { delayMs } = JSON.parse(process.argv[2] ?? '{}') as { delayMs: number };
const reads: number[] = [];

const server = createServer((req, res) => {
  if (req.url === '/__truth') {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ reads }));
    return;
  }
  req.resume();
  reads.push(epochMs());
  setTimeout(() => res.end('ok'), delayMs);
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  process.stdout.write(`${JSON.stringify({ port })}\n`);
});
process.on('SIGTERM', () => process.exit(0));
