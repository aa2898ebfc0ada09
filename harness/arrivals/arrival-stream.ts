/**
 * The compiled profile as a lazy, seeded, deterministic stream of arrivals in time order.
 *
 * Per region, arrival times come from the cumulative intensity Λ of its rate curve: Poisson
 * arrivals at Λ⁻¹(Λ_prev + Exp(1)) (a non-homogeneous Poisson process by time change), uniform
 * arrivals at Λ⁻¹(k + ½). Regions are merged by a linear scan of their heads (there are few).
 * Each arrival then draws its flow from the phase's mix and takes the next account of the flow's
 * pool (the permutation is per pool, so two flows on one pool never hand out the same account
 * before the pool is exhausted). Everything derives from `population.seed`.
 *
 * Sharding: shard i of n yields exactly the arrivals with `seq % n === i`. Every shard walks the
 * whole stream and skips the others' arrivals (generation is far cheaper than running a session),
 * which keeps the shards disjoint and their union exactly the unsharded stream.
 */
import { StampedeError } from '../errors.js';
import type { Profile } from '../profile/profile.js';
import { ACCOUNT_POOLS, AccountPermutation, poolRange } from './account-pool.js';
import type { Arrival, ArrivalSource, Shard } from './arrival.js';
import { emptyArrival } from './arrival.js';
import { compileShares, cumulativeTable } from './flow-mix.js';
import { RateCurve } from './rate-curve.js';
import { Rng, RngStream, regionStream } from './rng.js';

/** Per-region generator state; one object per region, mutated in place. */
interface RegionState {
  readonly curve: RateCurve;
  readonly rng: Rng;
  /** Per phase: Poisson (true) or uniform (false). */
  readonly poisson: readonly boolean[];
  /** Per phase: cumulative table of flow shares. */
  readonly mix: readonly Float64Array[];
  /** Current phase, Λ of the head arrival, arrivals generated so far in the current phase. */
  ph: number;
  lam: number;
  j: number;
  /** Segment cursor: Λ only grows, so the segment search walks forward. */
  seg: number;
  /** Head arrival: time (s; Infinity when the region is exhausted) and its phase. */
  headT: number;
  headPhase: number;
}

function checkShard(shard: Shard): void {
  const { index, count } = shard;
  if (!Number.isInteger(count) || count < 1 || !Number.isInteger(index) || index < 0 || index >= count) {
    throw new StampedeError('E_USAGE', `--shard: expected i/n with 0 <= i < n, got ${index}/${count}`);
  }
}

/**
 * The arrival stream of one profile (or one shard of it). `next(into)` is the allocation-free hot
 * path; iterating it (for tests and tools) consumes the same state and yields fresh objects.
 * Not safe to share between consumers: each worker creates its own.
 */
export class ArrivalStream implements ArrivalSource, Iterable<Arrival> {
  readonly #regions: RegionState[];
  readonly #flowRng: Rng;
  /** The permutation each flow draws from (flows on the same pool share one instance). */
  readonly #flowPool: AccountPermutation[];
  readonly #shardIndex: number;
  readonly #shardCount: number;
  #seq = 0;
  #lastPhase = 0;

  constructor(profile: Profile, shard: Shard = { index: 0, count: 1 }) {
    checkShard(shard);
    this.#shardIndex = shard.index;
    this.#shardCount = shard.count;
    const seed = profile.population.seed;
    const shares = compileShares(profile);

    const poolRng = new Rng(seed, RngStream.accountPools);
    const perms = new Map(
      ACCOUNT_POOLS.map((p) => [p, new AccountPermutation(poolRange(profile.population, p), poolRng)]),
    );
    this.#flowPool = profile.flows.map((f) => perms.get(f.accounts) ?? perms.get('all')!);
    // A flow that can be drawn needs at least one account to hand out.
    profile.flows.forEach((f, fi) => {
      const drawn = shares.some((region) => region.some((phase) => (phase[fi] ?? 0) > 0));
      if (drawn && this.#flowPool[fi]!.size === 0) {
        throw new StampedeError(
          'E_PROFILE',
          `${profile.file || profile.name}: flow ${f.name}: its account pool '${f.accounts}' is empty (population.accounts / mustResetShare)`,
        );
      }
    });

    this.#flowRng = new Rng(seed, RngStream.flowMix);
    this.#regions = profile.regions.map((region, ri) => {
      const st: RegionState = {
        curve: new RateCurve(region),
        rng: new Rng(seed, regionStream(ri)),
        poisson: region.phases.map((p) => p.process !== 'uniform'),
        mix: (shares[ri] ?? []).map((s) => cumulativeTable(s)),
        ph: 0,
        lam: 0,
        j: 0,
        seg: 0,
        headT: Number.POSITIVE_INFINITY,
        headPhase: 0,
      };
      return st;
    });
    for (const st of this.#regions) this.#advance(st);
  }

  /**
   * Moves a region's head to its next arrival (or to Infinity at its end). Each phase starts its
   * process afresh at its own Λ boundary: for Poisson that is exact (memoryless; an overshooting
   * draw is discarded), for uniform it makes a phase hold exactly round(its Λ) arrivals, which is
   * what the planner reports.
   */
  #advance(st: RegionState): void {
    const curve = st.curve;
    const spans = curve.spans;
    for (;;) {
      const span = spans[st.ph];
      if (span === undefined) {
        st.headT = Number.POSITIVE_INFINITY;
        return;
      }
      const lam = st.poisson[st.ph] ? st.lam + st.rng.exponential() : span.cumStart + st.j + 0.5;
      if (lam <= span.cumEnd) {
        st.j++;
        st.lam = lam;
        const seg = curve.segmentForCumulative(lam, st.seg);
        st.seg = seg;
        st.headPhase = st.ph;
        st.headT = curve.inverseIn(seg, lam);
        return;
      }
      st.ph++;
      st.lam = span.cumEnd;
      st.j = 0;
    }
  }

  /** Fills `into` with the next arrival of this shard in time order; false at the end. */
  next(into: Arrival): boolean {
    const regions = this.#regions;
    const nRegions = regions.length;
    for (;;) {
      let best: RegionState | undefined;
      let bestT = Number.POSITIVE_INFINITY;
      let bestIdx = -1;
      for (let i = 0; i < nRegions; i++) {
        const st = regions[i]!;
        if (st.headT < bestT) {
          bestT = st.headT;
          best = st;
          bestIdx = i;
        }
      }
      if (best === undefined) return false;
      const phase = best.headPhase;
      const table = best.mix[phase]!;
      this.#advance(best);
      // The flow draw and the account walk happen for skipped arrivals too: every shard must see
      // the same RNG and pool states as the unsharded stream.
      const u = this.#flowRng.float();
      const last = table.length - 1;
      let flow = 0;
      while (flow < last && u >= table[flow]!) flow++;
      const account = this.#flowPool[flow]!.next();
      const seq = this.#seq++;
      if (this.#shardCount !== 1 && seq % this.#shardCount !== this.#shardIndex) continue;
      into.atNs = Math.round(bestT * 1e9);
      into.flow = flow;
      into.account = account;
      into.region = bestIdx;
      into.seq = seq;
      this.#lastPhase = phase;
      return true;
    }
  }

  /** Index into its region's `phases` of the arrival last filled by `next` (for exact planning). */
  get lastPhase(): number {
    return this.#lastPhase;
  }

  /** Iterates the remaining arrivals (consuming this stream), one fresh object each. */
  *[Symbol.iterator](): Iterator<Arrival> {
    for (;;) {
      const a = emptyArrival();
      if (!this.next(a)) return;
      yield a;
    }
  }
}

/** Compiles `profile` into its arrival stream, or shard `shard` of it (default: the whole stream). */
export function createArrivalStream(profile: Profile, shard?: Shard): ArrivalStream {
  return new ArrivalStream(profile, shard);
}
