// Runs exported flow functions in this worker: virtual Date.now, the script's __ENV, one call
// per iteration, then hands back what the fake k6 modules recorded.
import { parentPort, workerData } from 'node:worker_threads';
import exec from './execution.mjs';
import { state } from './state.mjs';

globalThis.__fakeNowMs = workerData.startMs;
globalThis.__fakeOversleepMs = workerData.oversleepMs ?? 0;
Date.now = () => globalThis.__fakeNowMs;
globalThis.__ENV = workerData.env;
const script = await import(workerData.scriptUrl);
for (const c of workerData.calls) {
  exec.scenario.iterationInTest = c.iteration;
  const startMs = Date.now();
  script[c.fn]();
  // As k6: iteration_duration at the iteration's end.
  state.samples.push({
    metric: 'iteration_duration',
    value: Date.now() - startMs,
    tags: {},
    time: Date.now(),
  });
}
parentPort.postMessage(JSON.parse(JSON.stringify(state)));
