// The helper thread of the fake k6/http: does the real request, then wakes the caller.
import { workerData } from 'node:worker_threads';

const { port, flag } = workerData;
port.on('message', async (m) => {
  let out;
  try {
    const r = await fetch(m.url, { method: m.method, headers: m.headers, body: m.body ?? undefined });
    const headers = {};
    r.headers.forEach((v, k) => {
      headers[k] = v;
    });
    out = { status: r.status, headers, body: await r.text() };
  } catch {
    out = { status: 0, headers: {}, body: '' };
  }
  port.postMessage(out);
  Atomics.store(flag, 0, 1);
  Atomics.notify(flag, 0);
});
