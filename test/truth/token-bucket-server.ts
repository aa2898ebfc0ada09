/**
 * Truth server of `token-bucket-onset.test.ts`: a token-bucket rate limiter (not stampede's),
 * `ratePerS` tokens a second up to `burst`, starting full. A request read at t takes a token if
 * one is there (200 at once) and is otherwise turned away with 429 at once:
 *
 *   tokens(t) = min(burst, tokens(t_prev) + ratePerS·(t - t_prev)); admit iff tokens(t) ≥ 1.
 *
 * Every request's read time (epoch ms) and whether it was admitted are logged, so the test can
 * bucket the truth by interval exactly as the server saw it, and the server's own event-loop lag
 * (loop-lag.ts). Params: `{ ratePerS, burst }`.
 */
import { createServer } from 'node:http';
import { LoopLag } from '../../targets/reference/loop-lag.js';
import { epochMs } from './spawn-truth-server.js';

const { ratePerS, burst } = JSON.parse(process.argv[2] ?? '{}') as { ratePerS: number; burst: number };
let tokens = burst;
let last = epochMs();
/** [read epoch ms, 1 admitted / 0 turned away] per request. */
const log: [number, number][] = [];
/** The server's own loop lag: a server that reads late reads in bunches, which drain the bucket. */
const lag = new LoopLag();

const server = createServer((req, res) => {
  if (req.url === '/__truth') {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ log, lagP99Ms: lag.p99Ms(), lagMaxMs: lag.maxMs() }));
    return;
  }
  req.resume();
  const t = epochMs();
  tokens = Math.min(burst, tokens + (ratePerS * (t - last)) / 1000);
  last = t;
  const admit = tokens >= 1;
  if (admit) tokens -= 1;
  log.push([t, admit ? 1 : 0]);
  res.statusCode = admit ? 200 : 429;
  res.end(admit ? 'ok' : 'slow down');
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  process.stdout.write(`${JSON.stringify({ port })}\n`);
});
process.on('SIGTERM', () => process.exit(0));
