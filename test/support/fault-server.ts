/**
 * A hostile HTTP server for reliability tests, run as its own process: a raw TCP server (not
 * node:http, which would refuse to misbehave) that reads each request up to its blank line and
 * answers according to its mode. Usage: `node --import tsx fault-server.ts <mode> [n]`; prints
 * `{"port":N}` on its first stdout line. Modes:
 * - `reset`: writes the status line and headers of a 1000-byte body, then resets the connection;
 * - `hang`: accepts and reads the request, never answers;
 * - `stall-body`: sends headers and 10 of 1000 body bytes, then nothing;
 * - `garbage`: answers with bytes that are not HTTP;
 * - `close-after <n>`: answers 200 to the first n requests, then stops listening and drops
 *   every connection (later requests are refused);
 * - `huge <mb>`: answers 200 with a body of <mb> MB (default 20);
 * - `trickle`: answers 200 one byte every 100 ms (slowloris in reverse);
 * - `die-after <n>`: answers 200 to the first n requests, then the process exits mid-run.
 */
import { createServer, type Socket } from 'node:net';

const mode = process.argv[2] ?? 'hang';
const n = Number(process.argv[3] ?? '0');
const OK = 'HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: keep-alive\r\n\r\nok';
const sockets = new Set<Socket>();
let seen = 0;
let closed = false;

/** One request read off `socket` (headers only: the tests send GETs); `answer` decides the rest. */
function answer(socket: Socket): void {
  seen++;
  switch (mode) {
    case 'reset':
      socket.write('HTTP/1.1 200 OK\r\ncontent-length: 1000\r\n\r\npartial');
      // RST, not FIN: the client sees the connection torn down mid-response.
      setImmediate(() => socket.resetAndDestroy());
      return;
    case 'hang':
      return;
    case 'stall-body':
      socket.write(`HTTP/1.1 200 OK\r\ncontent-length: 1000\r\n\r\n${'x'.repeat(10)}`);
      return;
    case 'garbage':
      socket.write('\u0000\u00ffSSH-2.0-not-http \u0001\u0002\r\n\r\n');
      return;
    case 'close-after':
      if (closed) return void socket.destroy();
      socket.write(OK);
      if (seen >= n) stopAccepting();
      return;
    case 'huge': {
      const size = (n || 20) * 1024 * 1024;
      socket.write(`HTTP/1.1 200 OK\r\ncontent-length: ${size}\r\n\r\n`);
      // 1 MB chunks, one shared buffer: the server itself stays small.
      const chunk = Buffer.alloc(1024 * 1024, 0x61);
      for (let i = 0; i < size / chunk.length; i++) socket.write(chunk);
      return;
    }
    case 'trickle': {
      const text = `HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\n${'x'.repeat(100)}`;
      let i = 0;
      const timer = setInterval(() => {
        if (socket.destroyed || i >= text.length) return clearInterval(timer);
        socket.write(text[i++]!);
      }, 100);
      return;
    }
    case 'die-after':
      // Requests read in the same turn as the n-th (a loaded machine lets several connections'
      // requests pile up) are torn down, not answered: exactly n answers ever leave.
      if (seen > n) return void socket.destroy();
      socket.write(OK);
      if (seen === n) setImmediate(() => process.exit(1));
      return;
    default:
      socket.destroy();
  }
}

function stopAccepting(): void {
  closed = true;
  server.close();
  // Let the last answer leave before the connections go.
  setTimeout(() => {
    for (const s of sockets) s.destroy();
  }, 20);
}

const server = createServer((socket) => {
  sockets.add(socket);
  socket.on('close', () => sockets.delete(socket));
  socket.on('error', () => undefined);
  let buffered = '';
  socket.on('data', (d: Buffer) => {
    buffered += d.toString('latin1');
    let end = buffered.indexOf('\r\n\r\n');
    while (end >= 0) {
      buffered = buffered.slice(end + 4);
      answer(socket);
      end = buffered.indexOf('\r\n\r\n');
    }
  });
});
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  process.stdout.write(`${JSON.stringify({ port })}\n`);
});
process.on('SIGTERM', () => process.exit(0));
