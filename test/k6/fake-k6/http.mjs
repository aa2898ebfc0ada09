// A tiny fake of k6/http: synchronous requests, answered by a real loopback server through a
// helper thread (the caller blocks on Atomics.wait, as a k6 VU blocks on its request).
import { MessageChannel, receiveMessageOnPort, Worker } from 'node:worker_threads';
import { state } from './state.mjs';

const flag = new Int32Array(new SharedArrayBuffer(4));
const { port1, port2 } = new MessageChannel();
const worker = new Worker(new URL('./fetch-worker.mjs', import.meta.url), {
  workerData: { port: port2, flag },
  transferList: [port2],
});
worker.unref();

function request(method, url, body, params = {}) {
  Atomics.store(flag, 0, 0);
  port1.postMessage({ method, url, body: body ?? null, headers: params.headers ?? {} });
  Atomics.wait(flag, 0, 0, 10_000);
  const got = receiveMessageOnPort(port1)?.message ?? { status: 0, headers: {}, body: '' };
  state.calls.push({
    method,
    url,
    body: body ?? null,
    headers: params.headers ?? {},
    tags: params.tags ?? {},
    status: got.status,
  });
  // As k6: one http_req_duration sample per request, stamped at its end (no virtual time passes).
  const expected = params.responseCallback?.statuses?.includes(got.status) ?? got.status < 400;
  const tags = { ...(params.tags ?? {}), status: String(got.status), expected_response: String(expected) };
  state.samples.push({ metric: 'http_req_duration', value: 0.5, tags, time: globalThis.__fakeNowMs });
  return {
    status: got.status,
    headers: got.headers,
    body: got.body,
    error_code: got.status === 0 ? 1212 : 0,
    timings: { duration: 0 },
    json() {
      return JSON.parse(got.body);
    },
  };
}

export default { request, expectedStatuses: (...statuses) => ({ statuses }) };
