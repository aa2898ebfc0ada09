/**
 * The reference model keeps the Transport contract (harness/transports/transport.ts): send never
 * calls back synchronously; onWritten comes first, at the send time; exactly one onResponse or
 * onFailure; cancel ends a request at once (the server still does the work); close cancels what
 * is in flight and fails later sends. Also: the model answers the /metrics the server renders.
 */
import { describe, expect, it } from 'vitest';
import { Outcome } from '../../harness/vocabulary/outcome.js';
import { MS, modelRig, RecordingExchange } from './model-script.js';

describe('reference model transport contract', () => {
  it('never calls back inside send; onWritten (at send time) precedes the one answer', () => {
    const rig = modelRig({ hashCost: 1 }, { secondsPerIteration: 100e-9 });
    const s = rig.session(1);
    const ex = new RecordingExchange(0);
    rig.model.send(rig.target.buildRequest('login', s), true, ex);
    expect(ex.r.events).toEqual([]);
    rig.clock.run();
    expect(ex.r.events).toEqual(['written', 'response']);
    expect(ex.r.writtenNs).toBe(0);
    expect(ex.r.doneNs).toBe(8192 * 100);
    expect(ex.r.headers?.['content-type']).toBe('application/json');
    expect(ex.r.body).toBe('{"code":"PASSWORD_RESET_REQUIRED"}');
  });

  it('cancel ends the request at once with the given class; the server still serves it', () => {
    const rig = modelRig({ hashCost: 1, resetServiceMs: 10 }, { secondsPerIteration: 100e-9 });
    // A login holds the core for C; the reset behind it is cancelled before the core takes it up.
    rig.sendAt(0, 'login', rig.session(1));
    const s = rig.session(2);
    const ex = new RecordingExchange(0);
    rig.clock.alarm(() => rig.model.send(rig.target.buildRequest('reset-request', s), true, ex)).set(0);
    rig.clock.alarm(() => rig.model.cancel(ex, Outcome.timeout)).set(100_000);
    rig.clock.run();
    expect(ex.r.events).toEqual(['written', 'failure']);
    expect(ex.r.failure).toBe(Outcome.timeout);
    expect(ex.r.doneNs).toBe(100_000);
    // The reset was still admitted when the core took it up (at C) and its mail arrives at C + 10 ms.
    expect(rig.model.mailArrivalNs(s.account)).toBe(8192 * 100 + 10 * MS);
    // Cancelling again (nothing in flight) is a no-op.
    rig.model.cancel(ex, Outcome.timeout);
    expect(ex.r.events).toEqual(['written', 'failure']);
  });

  it('close cancels what is in flight and fails later sends asynchronously', async () => {
    const rig = modelRig({ hashCost: 1 }, { secondsPerIteration: 100e-9 });
    const a = new RecordingExchange(0);
    rig.model.send(rig.target.buildRequest('login', rig.session(1)), false, a);
    await rig.model.close();
    expect(a.r.events).toEqual(['written', 'failure']);
    expect(a.r.failure).toBe(Outcome.cancelled);
    const b = new RecordingExchange(0);
    rig.model.send(rig.target.buildRequest('login', rig.session(2)), false, b);
    expect(b.r.events).toEqual([]);
    rig.clock.run();
    expect(b.r.events).toEqual(['failure']);
    expect(b.r.failure).toBe(Outcome.cancelled);
  });

  it('renders the server metrics from model state', () => {
    const rig = modelRig({ adminWorkers: 2, resetServiceMs: 1000, resetQueue: 1 });
    for (let k = 0; k < 4; k++) rig.sendAt(0, 'reset-request', rig.session(k));
    const ex = new RecordingExchange(0);
    rig.clock
      .alarm(() => rig.model.send({ method: 'GET', path: '/metrics', headers: {} }, true, ex))
      .set(500 * MS);
    rig.clock.run();
    const text = ex.r.body ?? '';
    expect(ex.r.headers?.['content-type']).toBe('text/plain; version=0.0.4');
    // 2 in service, 1 waiting, the 4th turned away.
    expect(text).toContain('stampede_ref_admin_busy_workers 2');
    expect(text).toContain('stampede_ref_admin_queue_depth 1');
    expect(text).toContain('stampede_ref_rejected_total{endpoint="password-reset",reason="queue_full"} 1');
    expect(text).toContain('stampede_ref_requests_total{endpoint="password-reset",status="202"} 3');
  });
});
