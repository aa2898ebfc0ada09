/**
 * The interface between the driver and a system under test.
 *
 * A target is a translator: it turns a step plus session state into an HTTP request, and the
 * response into a verdict plus captured values. It never sends anything itself: the driver owns
 * the sockets, the clock and the recording, so every target is measured the same way.
 *
 * Contract:
 * - `buildRequest` and `interpret` are called on the driver's hot path, once per request, possibly
 *   from several worker threads (each holding its own instance built from the same `TargetSpec`).
 *   They must be synchronous, must not throw for any response (a bad response is a verdict) and
 *   should allocate little.
 * - A target is created from a serializable `TargetSpec` (see `targets/registry.ts`), so every
 *   worker thread can rebuild it. Lifecycle (`Startable`) runs once, in the main thread only.
 */
import type { MailDomain, StepKind } from '../harness/profile/profile.js';
import type { MailStats } from './mail-sink/mail-stats.js';

/**
 * Per-session values the steps read and write. Valid during the call it is handed to: the driver
 * hands every session's state through one cursor (harness/driver/session.ts), so a target keeps
 * nothing of the object itself past the call, only values copied out of it.
 */
export interface SessionState {
  readonly accountIndex: number;
  readonly account: string;
  /** The password the account has now (initial, then the new one after a confirmed reset). */
  password: string;
  /** The password the session will set when it confirms a reset. */
  readonly newPassword: string;
  /** Region name of the arrival; targets may route or tag by it. */
  readonly region: string;
  /** Values captured from earlier responses (e.g. `token`, `sessionToken`). */
  readonly captures: Record<string, string>;
}

/** What to send. `path` includes the query string; the origin is the target's. */
export interface RequestSpec {
  /**
   * Origin to send to when it is not the target's own (e.g. the mail sink's API for await-mail);
   * absent: `Target.origin()`. The driver keeps one transport per origin.
   */
  readonly origin?: string;
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH';
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body?: string;
}

/** The part of a response a target may look at. `body` is present only if `needsBody(kind)`. */
export interface ResponseView {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: string | undefined;
}

/**
 * The target's reading of a response whose status the step expected.
 * - `ok`: the step succeeded; `captures` are merged into the session.
 * - `pending`: the thing is not there yet (await-mail: no message); the driver polls again.
 * - `invalid`: the status was right but the content is unusable (missing token...).
 */
export type StepVerdict =
  | { readonly verdict: 'ok'; readonly captures?: Readonly<Record<string, string>> }
  | { readonly verdict: 'pending' }
  | { readonly verdict: 'invalid'; readonly reason: string };

/** Account credentials as the target knows them before any reset. */
export interface Credentials {
  readonly account: string;
  readonly password: string;
}

/** Serializable description of a target, enough to rebuild it in a worker thread. */
export type TargetSpec =
  /** `accounts` sets the zero padding of account names (absent: 8 digits). */
  | {
      readonly kind: 'reference';
      readonly origin: string;
      readonly seed: number;
      readonly accounts?: number;
      /** The mail sink's API origin and the recipient domains (await-mail reads the sink). */
      readonly mail?: MailSpec;
    }
  | { readonly kind: 'http'; readonly file: string; readonly mail?: MailSpec }
  | { readonly kind: 'module'; readonly module: string; readonly options?: unknown };

/** Where a target reads mail: the sink's API origin, and how an account's address is derived. */
export interface MailSpec {
  readonly origin: string;
  /** Recipient domains by share (population.domains); empty: every address at example.test. */
  readonly domains: readonly { readonly name: string; readonly share: number }[];
  readonly seed: number;
}

export interface Target {
  /** Short name for reports: `reference`, `http:<file>`, `module:<path>`. */
  readonly name: string;
  /** Origin (`http://127.0.0.1:8080`) the driver opens its pools to. Valid after `start()`. */
  origin(): string;
  /** The spec that rebuilds this target (with its resolved origin) in a worker. */
  spec(): TargetSpec;
  /** Initial credentials of account `index`. Deterministic; no per-account storage. */
  credentials(index: number): Credentials;
  buildRequest(kind: StepKind, session: SessionState): RequestSpec;
  /** Whether `interpret` needs the body for this step; when false the driver discards it unread. */
  needsBody(kind: StepKind): boolean;
  interpret(kind: StepKind, response: ResponseView, session: SessionState): StepVerdict;
}

/** What a target learns about the run before it starts. */
export interface StartContext {
  /** Population of the profile: the reference target derives which accounts must reset from it. */
  readonly population: {
    readonly accounts: number;
    readonly seed: number;
    readonly mustResetShare: number;
    /** Recipient domains with their ISP limits; absent or empty: example.test, unthrottled. */
    readonly domains?: readonly MailDomain[];
  };
  /** Capacity options for embedded targets (profile `reference:` merged with CLI overrides). */
  readonly capacity: Readonly<Record<string, number>>;
  readonly signal?: AbortSignal;
}

/** Targets with an embedded server or other setup. Called once, main thread only. */
export interface Startable {
  start(ctx: StartContext): Promise<void>;
  stop(): Promise<void>;
}

/** Targets that expose server-side figures (Prometheus text format) to scrape each interval. */
export interface MetricsSource {
  metricsUrl(): string;
}

/** Targets whose operators can take the service down (profile outage windows drive this). */
export interface MaintenanceControl {
  /** Put the service (or the named regions; empty = all) down for `durationS` seconds. */
  maintenance(durationS: number, regions: readonly string[]): Promise<void>;
}

/**
 * Targets that know the run's mail figures (the mail sink's per-domain stats, plus what the
 * backend knows when it is the reference one). Called in the main thread after `stop()` (the
 * figures of the whole run) or while running (the figures so far); must not be called before
 * `start()`.
 */
export interface MailSource {
  mailStats(): Promise<MailStats>;
}

export function isMailSource(t: Target): t is Target & MailSource {
  return typeof (t as Partial<MailSource>).mailStats === 'function';
}

export function isStartable(t: Target): t is Target & Startable {
  return typeof (t as Partial<Startable>).start === 'function';
}
export function isMetricsSource(t: Target): t is Target & MetricsSource {
  return typeof (t as Partial<MetricsSource>).metricsUrl === 'function';
}
export function hasMaintenanceControl(t: Target): t is Target & MaintenanceControl {
  return typeof (t as Partial<MaintenanceControl>).maintenance === 'function';
}

/** Targets that perform only some step kinds (an http target file defines the steps it has). */
export interface StepSupport {
  supportedKinds(): readonly StepKind[];
}

export function declaresSteps(t: Target): t is Target & StepSupport {
  return typeof (t as Partial<StepSupport>).supportedKinds === 'function';
}
