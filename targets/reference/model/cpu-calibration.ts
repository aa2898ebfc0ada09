/**
 * Calibrates the model's login CPU on this machine: how many seconds one PBKDF2-SHA256 iteration
 * costs one core, timed with the same call the server makes (`pbkdf2Sync`, 32-byte key). Use it
 * once before a comparison against a real server on the same machine; a simulation of another
 * machine passes its own figure. The median of a few rounds resists a busy neighbour.
 */
import { pbkdf2Sync } from 'node:crypto';
import { ITERATIONS_PER_COST } from '../rules/login-cost.js';

/** How to measure. */
export interface CalibrationOptions {
  /** Timed rounds (default 5); the median is returned. */
  readonly rounds?: number;
  /** Iterations per round (default 4 × ITERATIONS_PER_COST, ~5 ms here). */
  readonly iterations?: number;
}

/** Seconds of one core per PBKDF2 iteration on this machine, now (median of `rounds`). */
export function measureSecondsPerIteration(opts: CalibrationOptions = {}): number {
  const rounds = Math.max(1, opts.rounds ?? 5);
  const iterations = Math.max(1, opts.iterations ?? 4 * ITERATIONS_PER_COST);
  const salt = Buffer.alloc(16, 7);
  // One untimed round warms the code path.
  pbkdf2Sync('calibrate', salt, 1024, 32, 'sha256');
  const perIteration: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const t0 = process.hrtime.bigint();
    pbkdf2Sync('calibrate', salt, iterations, 32, 'sha256');
    perIteration.push(Number(process.hrtime.bigint() - t0) / 1e9 / iterations);
  }
  perIteration.sort((a, b) => a - b);
  return perIteration[Math.floor(rounds / 2)] ?? 0;
}

/** The server's CPU as it measured it itself, for a model held against that very run. */
export interface ServerCpu {
  /** Seconds of the core per PBKDF2 iteration. */
  readonly secondsPerIteration: number;
  /** Seconds of the core every request costs besides hashing. */
  readonly requestOverheadS: number;
}

/**
 * The login CPU and per-request overhead a real run's server measured (its /metrics as scraped
 * into target-metrics.json): a reset request's mean handling time is the path without a KDF (the
 * overhead); a login's mean minus that is the KDF, over `hashIterations(hashCost)` iterations.
 * Taken from the run itself, it holds for the machine as loaded then, which a calibration run
 * now does not. Null when the samples lack the figures or `iterations` is 0.
 */
export function serverCpuFromMetrics(
  samples: readonly { readonly values: Readonly<Record<string, number>> }[],
  iterations: number,
): ServerCpu | null {
  const last = samples[samples.length - 1]?.values;
  if (!last || !(iterations > 0)) return null;
  const mean = (endpoint: string): number | null => {
    const sum = last[`stampede_ref_${endpoint}_duration_seconds_sum`];
    const count = last[`stampede_ref_${endpoint}_duration_seconds_count`];
    return sum === undefined || count === undefined || !(count > 0) ? null : sum / count;
  };
  const login = mean('login');
  const reset = mean('password_reset');
  if (login === null || reset === null || !(login > reset)) return null;
  return { secondsPerIteration: (login - reset) / iterations, requestOverheadS: reset };
}
