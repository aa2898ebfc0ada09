/**
 * The reference model keeps the Transport contract (harness/transports/transport.ts): send calls
 * back only with onWritten (the request reaches the server as sent), at the send time; exactly
 * one onResponse or onFailure, later; cancel ends a request at once (the server still does the work); close cancels what
 * is in flight and fails later sends; an optional connection limit queues in the client. Also:
 * the model answers the /metrics the server renders.
 */
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../harness/driver/virtual-clock.js';
import { Outcome } from '../../harness/vocabulary/outcome.js';
import { ReferenceModel } from '../../targets/reference/model/reference-model.js';
import { REFERENCE_DEFAULTS } from '../../targets/reference/reference-config.js';
import { MS, modelRig, RecordingExchange } from './model-script.js';

describe('reference model transport contract', () => {
  it('calls only onWritten inside send (the request reaches the server as sent); the one answer comes later', () => {
    const rig = modelRig({ hashCost: 1 }, { secondsPerIteration: 100e-9 });
    const s = rig.session(1);
    const ex = new RecordingExchange(0);
    rig.model.send(rig.target.buildRequest('login', s), true, ex);
    expect(ex.r.events).toEqual(['written']);
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

  it('with a connection limit, queues in the client: written when a connection frees; cancelled there costs the server nothing', () => {
    const C = 8192 * 100;
    const clock = new VirtualClock();
    const config = { ...REFERENCE_DEFAULTS, hashCost: 1, accounts: 100 };
    const model = new ReferenceModel(clock, { config, secondsPerIteration: 100e-9 }, { connections: 2 });
    const rig = modelRig({});
    const exs = Array.from({ length: 5 }, () => new RecordingExchange(0));
    exs.forEach((ex, k) => {
      model.send(rig.target.buildRequest('login', rig.session(k)), false, ex);
    });
    expect(model.inClient).toBe(3);
    // The 5th is given up at C / 2 while it still waits for a connection.
    clock.alarm(() => model.cancel(exs[4]!, Outcome.timeout)).set(C / 2);
    clock.run();
    // Two on the wire at 0; the 3rd is written when the 1st is answered (C), the 4th at 2C.
    expect(exs.map((e) => e.r.writtenNs)).toEqual([0, 0, C, 2 * C, undefined]);
    expect(exs.slice(0, 4).map((e) => e.r.doneNs)).toEqual([C, 2 * C, 3 * C, 4 * C]);
    expect(exs[4]?.r.events).toEqual(['failure']);
    // Only 4 logins reached the server.
    expect(model.atServer).toBe(0);
    const metrics = new RecordingExchange(0);
    model.send({ method: 'GET', path: '/metrics', headers: {} }, true, metrics);
    clock.run();
    expect(metrics.r.body).toContain('stampede_ref_requests_total{endpoint="login",status="403"} 4');
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
