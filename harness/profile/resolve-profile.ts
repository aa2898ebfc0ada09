/**
 * Turns a merged, validated profile document into the resolved `Profile`: every default filled in,
 * durations in seconds, rates multiplied by `rateScale` and timeline times by `timeScale`. It runs
 * only after the schema and semantic checks found nothing, so it reads the document without doubt.
 */
import type { OutcomeClass } from '../vocabulary/outcome.js';
import { parseDuration } from './duration.js';
import type {
  AccountPool,
  ArrivalProcess,
  ClientOptions,
  Flow,
  FlowStep,
  MailDomain,
  Outage,
  Phase,
  PhaseShape,
  Population,
  Profile,
  ReferenceCapacity,
  Region,
  ReRequestPolicy,
  RetryPolicy,
  StepKind,
  ThinkTime,
} from './profile.js';

/** HTTP statuses that count as success for each step kind unless the step says otherwise. */
export const DEFAULT_EXPECT: Readonly<Record<StepKind, readonly number[]>> = {
  login: [200],
  'reset-request': [202],
  'await-mail': [200],
  'reset-confirm': [200],
  'login-new': [200],
};

/** No retries: the built-in retry policy under `defaults.retry`. */
export const DEFAULT_RETRY: RetryPolicy = {
  maxAttempts: 1,
  backoff: 'none',
  baseS: 0,
  maxS: 0,
  jitter: 'none',
  on: [],
  respectRetryAfter: true,
};

/** Client settings when the profile names none. */
export const DEFAULT_CLIENT: ClientOptions = {
  maxInFlight: 10_000,
  connections: 64,
  pipelining: 1,
  connectTimeoutS: 5,
  requestTimeoutS: 30,
  intervalS: 1,
};

/** await-mail defaults: poll every second, give up after five minutes. */
export const AWAIT_MAIL_DEFAULTS = { pollEveryS: 1, timeoutS: 300 } as const;

/** What the loader knows besides the merged document. */
export interface ResolveInput {
  readonly doc: Record<string, unknown>;
  readonly file: string;
  readonly name: string;
  readonly rateScale: number;
  readonly timeScale: number;
}

type Raw = Record<string, unknown>;

const obj = (v: unknown): Raw => (v !== null && typeof v === 'object' ? (v as Raw) : {});
const secs = (v: unknown, fallback: number): number =>
  v === undefined ? fallback : (parseDuration(v) ?? fallback);

/** The resolved profile of a document that passed every check. */
export function resolveProfile(input: ResolveInput): Profile {
  const { doc, rateScale, timeScale } = input;
  const defaults = obj(doc['defaults']);
  const defaultThink = think(defaults['think'], { dist: 'fixed', s: 0 });
  const defaultRetry = retry(defaults['retry'], DEFAULT_RETRY);
  const flows = Object.entries(obj(doc['flows'])).map(([name, f]) =>
    flow(name, obj(f), defaultThink, defaultRetry),
  );
  const process = (doc['arrivals'] as ArrivalProcess | undefined) ?? 'poisson';
  const rawRegions: Raw[] =
    doc['regions'] !== undefined
      ? (doc['regions'] as Raw[])
      : [{ name: 'global', start: 0, phases: doc['phases'] as unknown[] }];
  const regions = rawRegions.map((r) => region(r, process, rateScale, timeScale));
  const outages = ((doc['outages'] as Raw[] | undefined) ?? []).map((o, i): Outage => {
    const listed = (o['regions'] as string[] | undefined) ?? [];
    return {
      name: (o['name'] as string | undefined) ?? `outage-${i}`,
      startS: secs(o['start'], 0) * timeScale,
      durationS: secs(o['duration'], 0) * timeScale,
      regions: [...listed],
    };
  });
  return {
    name: input.name,
    description: (doc['description'] as string | undefined) ?? '',
    file: input.file,
    population: population(obj(doc['population'])),
    flows,
    regions,
    outages,
    gates: [...((doc['gates'] as string[] | undefined) ?? [])],
    client: client(obj(doc['client'])),
    reference: reference(obj(doc['reference'])),
    rateScale,
    timeScale,
  };
}

function population(p: Raw): Population {
  return {
    accounts: p['accounts'] as number,
    seed: (p['seed'] as number | undefined) ?? 1,
    mustResetShare: (p['mustResetShare'] as number | undefined) ?? 1,
    domains: Object.entries(obj(p['domains'])).map(([name, d]) => mailDomain(name, obj(d))),
  };
}

/** A domain with its limits filled in (see MailDomain for what 0 means). */
function mailDomain(name: string, d: Raw): MailDomain {
  const num = (k: string): number => (typeof d[k] === 'number' ? (d[k] as number) : 0);
  const perS = num('perS');
  return {
    name: name.toLowerCase(),
    share: num('share'),
    perS,
    burst: typeof d['burst'] === 'number' ? d['burst'] : Math.max(1, Math.ceil(perS)),
    perConnection: num('perConnection'),
    greylistS: num('greylistS'),
    rejectShare: num('rejectShare'),
  };
}

function client(c: Raw): ClientOptions {
  const d = DEFAULT_CLIENT;
  return {
    maxInFlight: (c['maxInFlight'] as number | undefined) ?? d.maxInFlight,
    connections: (c['connections'] as number | undefined) ?? d.connections,
    pipelining: (c['pipelining'] as number | undefined) ?? d.pipelining,
    connectTimeoutS: secs(c['connectTimeout'], d.connectTimeoutS),
    requestTimeoutS: secs(c['requestTimeout'], d.requestTimeoutS),
    intervalS: secs(c['interval'], d.intervalS),
  };
}

function reference(r: Raw): ReferenceCapacity {
  // Only the fields the profile names: the target owns the defaults of the rest.
  const out: Record<string, number> = {};
  for (const key of [
    'adminWorkers',
    'resetServiceMs',
    'resetQueue',
    'mailPerS',
    'mailConnections',
    'mailAttempts',
    'mailRetryBaseS',
    'mailRetryMaxS',
    'hashCost',
    'tokenTtlS',
  ]) {
    const v = r[key];
    if (typeof v === 'number') out[key] = v;
  }
  return out as ReferenceCapacity;
}

function think(v: unknown, fallback: ThinkTime): ThinkTime {
  if (v === undefined) return fallback;
  const t = obj(v);
  if (Array.isArray(t['uniform'])) {
    return { dist: 'uniform', minS: secs(t['uniform'][0], 0), maxS: secs(t['uniform'][1], 0) };
  }
  if (t['exponential'] !== undefined) return { dist: 'exponential', meanS: secs(t['exponential'], 0) };
  if (Array.isArray(t['normal'])) {
    return { dist: 'normal', meanS: secs(t['normal'][0], 0), sdS: secs(t['normal'][1], 0) };
  }
  return { dist: 'fixed', s: secs(v, 0) };
}

/** Retry fields merge over the enclosing level's policy, so `retry: {maxAttempts: 5}` keeps the rest. */
function retry(v: unknown, base: RetryPolicy): RetryPolicy {
  if (v === undefined) return base;
  const r = obj(v);
  const on = r['on'] as (string | number)[] | undefined;
  return {
    maxAttempts: (r['maxAttempts'] as number | undefined) ?? base.maxAttempts,
    backoff: (r['backoff'] as RetryPolicy['backoff'] | undefined) ?? base.backoff,
    baseS: secs(r['base'], base.baseS),
    maxS: secs(r['max'], base.maxS),
    jitter: (r['jitter'] as RetryPolicy['jitter'] | undefined) ?? base.jitter,
    // YAML readers write `503`; it is the outcome class '503'.
    on: on === undefined ? base.on : on.map((c) => String(c) as OutcomeClass),
    respectRetryAfter: (r['respectRetryAfter'] as boolean | undefined) ?? base.respectRetryAfter,
  };
}

function flow(name: string, f: Raw, defaultThink: ThinkTime, defaultRetry: RetryPolicy): Flow {
  const flowThink = think(f['think'], defaultThink);
  const flowRetry = retry(f['retry'], defaultRetry);
  const steps = (f['steps'] as unknown[]).map((s): FlowStep => {
    const st: Raw = typeof s === 'string' ? { step: s } : obj(s);
    const kind = st['step'] as StepKind;
    const isMail = kind === 'await-mail';
    return {
      name: (st['name'] as string | undefined) ?? kind,
      kind,
      think: think(st['think'], flowThink),
      expect: [...((st['expect'] as number[] | undefined) ?? DEFAULT_EXPECT[kind])],
      retry: retry(st['retry'], flowRetry),
      pollEveryS: isMail ? secs(st['pollEvery'], AWAIT_MAIL_DEFAULTS.pollEveryS) : 0,
      timeoutS: isMail ? secs(st['timeout'], AWAIT_MAIL_DEFAULTS.timeoutS) : 0,
    };
  });
  const base: Flow = {
    name,
    weight: (f['weight'] as number | undefined) ?? 1,
    accounts: (f['accounts'] as AccountPool | undefined) ?? 'all',
    steps,
  };
  if (f['reRequest'] === undefined) return base;
  const rr = obj(f['reRequest']);
  const reRequest: ReRequestPolicy = { afterS: secs(rr['after'], 0), max: rr['max'] as number };
  return { ...base, reRequest };
}

function region(r: Raw, process: ArrivalProcess, rateScale: number, timeScale: number): Region {
  const name = r['name'] as string;
  const phases = (r['phases'] as Raw[]).map((p, i): Phase => {
    const base = {
      name: (p['name'] as string | undefined) ?? `${name}-${i}`,
      durationS: secs(p['duration'], 0) * timeScale,
      process: (p['process'] as ArrivalProcess | undefined) ?? process,
    };
    const mix = p['mix'] as Record<string, number> | undefined;
    const withMix = mix === undefined ? base : { ...base, mix: { ...mix } };
    return { ...withMix, ...shape(p, rateScale, timeScale) };
  });
  return { name, startS: secs(r['start'], 0) * timeScale, phases };
}

function shape(p: Raw, rateScale: number, timeScale: number): PhaseShape {
  if (typeof p['constant'] === 'number') return { shape: 'constant', rate: p['constant'] * rateScale };
  if (Array.isArray(p['ramp'])) {
    return {
      shape: 'ramp',
      from: (p['ramp'][0] as number) * rateScale,
      to: (p['ramp'][1] as number) * rateScale,
    };
  }
  if (p['step'] !== undefined) {
    const s = obj(p['step']);
    return {
      shape: 'step',
      from: (s['from'] as number) * rateScale,
      to: (s['to'] as number) * rateScale,
      steps: s['steps'] as number,
    };
  }
  const s = obj(p['spike']);
  return {
    shape: 'spike',
    base: (s['base'] as number) * rateScale,
    peak: (s['peak'] as number) * rateScale,
    atS: secs(s['at'], 0) * timeScale,
    widthS: secs(s['width'], 0) * timeScale,
  };
}
