/**
 * Builds resolved `Profile` objects in code for the arrival tests (the YAML loader is not needed to
 * test pacing). Every field has a small, valid default; tests override what they exercise.
 */
import type {
  Flow,
  FlowStep,
  Outage,
  Phase,
  Population,
  Profile,
  Region,
  StepKind,
} from '../../harness/profile/profile.js';

/** A step with fixed zero think time and no retries. */
export function step(kind: StepKind, name: string = kind): FlowStep {
  return {
    name,
    kind,
    think: { dist: 'fixed', s: 0 },
    expect: [200],
    retry: {
      maxAttempts: 1,
      backoff: 'none',
      baseS: 0,
      maxS: 0,
      jitter: 'none',
      on: [],
      respectRetryAfter: false,
    },
    pollEveryS: 1,
    timeoutS: 60,
  };
}

/** A flow over `pool` with the given step kinds. */
export function flow(
  name: string,
  weight: number,
  accounts: Flow['accounts'],
  kinds: StepKind[] = ['login'],
): Flow {
  return { name, weight, accounts, steps: kinds.map((k) => step(k)) };
}

/** A constant-rate phase. */
export function constant(
  name: string,
  durationS: number,
  rate: number,
  process: Phase['process'] = 'poisson',
): Phase {
  return { name, durationS, process, shape: 'constant', rate };
}

/** A linear ramp phase. */
export function ramp(
  name: string,
  durationS: number,
  from: number,
  to: number,
  process: Phase['process'] = 'poisson',
): Phase {
  return { name, durationS, process, shape: 'ramp', from, to };
}

/** A region starting at `startS`. */
export function region(name: string, startS: number, phases: Phase[]): Region {
  return { name, startS, phases };
}

/** Everything a test may override; the rest gets defaults. */
export interface FixtureOptions {
  readonly population?: Partial<Population>;
  readonly flows?: Flow[];
  readonly regions?: Region[];
  readonly outages?: Outage[];
}

/** A resolved profile: by default one region, 10 s at 100/s Poisson, one login flow. */
export function buildProfile(opts: FixtureOptions = {}): Profile {
  return {
    name: 'fixture',
    description: 'test fixture',
    file: '/fixture.yaml',
    population: { accounts: 1_000_000, seed: 42, mustResetShare: 0.5, domains: [], ...opts.population },
    flows: opts.flows ?? [flow('login', 1, 'all')],
    regions: opts.regions ?? [region('eu', 0, [constant('steady', 10, 100)])],
    outages: opts.outages ?? [],
    gates: [],
    client: {
      maxInFlight: 1000,
      connections: 10,
      pipelining: 1,
      connectTimeoutS: 5,
      requestTimeoutS: 10,
      intervalS: 1,
    },
    reference: {},
    rateScale: 1,
    timeScale: 1,
  };
}
