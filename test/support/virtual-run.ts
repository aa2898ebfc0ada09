/**
 * Runs the real scheduler and sessions on the virtual clock against a scripted transport: the
 * exact harness of the driver tests. No sockets, no sleeps; every time is exact to the ns.
 */

import { Scheduler, type SchedulerResult } from '../../harness/driver/scheduler.js';
import { VirtualClock } from '../../harness/driver/virtual-clock.js';
import type { Profile, StepKind } from '../../harness/profile/profile.js';
import { countsByName } from '../../harness/vocabulary/outcome.js';
import type { IntervalSnapshot } from '../../reports/recorder/interval-snapshot.js';
import type {
  Credentials,
  RequestSpec,
  ResponseView,
  SessionState,
  StepVerdict,
  Target,
} from '../../targets/target.js';
import { type ScriptedAnswer, ScriptedTransport } from './scripted-transport.js';

/** A minimal target: `GET /<kind>/<account>`; behaviour overridable per test. */
export class TestTarget implements Target {
  readonly name = 'test';
  buildCalls = 0;
  interpretCalls = 0;
  /** Called on each buildRequest; may throw to simulate user-code bugs. */
  onBuild: (kind: StepKind, s: SessionState, n: number) => void = () => undefined;
  onInterpret: (kind: StepKind, r: ResponseView, s: SessionState, n: number) => StepVerdict = () => ({
    verdict: 'ok',
  });
  origin(): string {
    return 'http://127.0.0.1:9';
  }
  spec(): never {
    throw new Error('not rebuilt in tests');
  }
  credentials(index: number): Credentials {
    return { account: `user-${index}`, password: 'pw' };
  }
  buildRequest(kind: StepKind, s: SessionState): RequestSpec {
    this.onBuild(kind, s, this.buildCalls++);
    return { method: 'GET', path: `/${kind}/${s.account}`, headers: {} };
  }
  needsBody(): boolean {
    return false;
  }
  interpret(kind: StepKind, r: ResponseView, s: SessionState): StepVerdict {
    return this.onInterpret(kind, r, s, this.interpretCalls++);
  }
}

export interface VirtualRun {
  readonly clock: VirtualClock;
  readonly transport: ScriptedTransport;
  readonly snapshots: IntervalSnapshot[];
  readonly result: SchedulerResult;
}

export interface VirtualRunOptions {
  readonly target?: Target;
  readonly connections?: number;
  readonly drainMs?: number;
  readonly maxInFlight?: number;
}

/** Runs `profile` to the end in virtual time, answering every request from `script`. */
export async function runVirtual(
  profile: Profile,
  script: (req: RequestSpec, n: number) => ScriptedAnswer,
  opts: VirtualRunOptions = {},
): Promise<VirtualRun> {
  const clock = new VirtualClock();
  const transport = new ScriptedTransport(clock, script, opts.connections);
  const snapshots: IntervalSnapshot[] = [];
  const scheduler = new Scheduler(
    {
      profile,
      shard: { index: 0, count: 1 },
      intervalMs: profile.client.intervalS * 1000,
      maxInFlight: opts.maxInFlight ?? profile.client.maxInFlight,
      requestTimeoutMs: profile.client.requestTimeoutS * 1000,
      drainMs: opts.drainMs ?? 60_000,
      t0EpochMs: 0,
    },
    {
      clock,
      target: opts.target ?? new TestTarget(),
      transportFor: () => transport,
      onSnapshot: (s) => snapshots.push(s),
    },
  );
  const done = scheduler.run();
  clock.run();
  const result = await done;
  return { clock, transport, snapshots, result };
}

/** Sums of a run's snapshots by step index: attempts and finals by class name, offered, retries. */
export function totals(snapshots: readonly IntervalSnapshot[]) {
  const steps = new Map<
    number,
    {
      attempts: Record<string, number>;
      finals: Record<string, number>;
      offered: number;
      retries: number;
      polls: number;
    }
  >();
  let arrivals = 0;
  let dropped = 0;
  let completed = 0;
  let succeeded = 0;
  for (const s of snapshots) {
    arrivals += s.arrivals;
    dropped += s.dropped;
    completed += s.completed;
    succeeded += s.succeeded ?? 0;
    for (const st of s.steps) {
      const t = steps.get(st.step) ?? { attempts: {}, finals: {}, offered: 0, retries: 0, polls: 0 };
      for (const [k, v] of Object.entries(st.outcomes)) t.attempts[k] = (t.attempts[k] ?? 0) + v;
      for (const [k, v] of Object.entries(st.finals ?? {})) t.finals[k] = (t.finals[k] ?? 0) + v;
      t.offered += st.offered;
      t.retries += st.retries;
      t.polls += st.polls ?? 0;
      steps.set(st.step, t);
    }
  }
  return { steps, arrivals, dropped, completed, succeeded };
}

export { countsByName };
