import { defineConfig } from 'vitest/config';

// Two groups run one after the other: fast, parallel tests first; then the end-to-end surges,
// one file at a time, so their latency and capacity figures are not disturbed by other tests.
/**
 * Real-socket tests whose figures are capacities, onsets or shares of a loopback server: they run
 * with the e2e group, one file at a time, so two CPU-heavy surges never share the 2 cores. The
 * truths whose figures are hundreds of ms against ms of jitter (a 100 ms server's service time,
 * a frozen server's catch-up, a healthy server's findings) run with the unit group.
 */
const ALONE = [
  'test/truth/token-bucket-onset.test.ts',
  'test/truth/worker-queue-onset.test.ts',
  'test/truth/open-model-freeze.test.ts',
  'test/capacity/capacity-token-bucket.test.ts',
  'test/capacity/capacity-reference-admin.test.ts',
  // Its admin pair is an onset of the reference target (4 workers x 20 ms = 200/s against 150/s
  // offered): beside the unit group's CPU the base's own pool fell behind at 148/s and the
  // candidate's run was invalid (event-loop delay p99 59 ms) in a fresh-clone CI run (2026-12-02).
  'test/compare/compare-release-cli.test.ts',
];
/**
 * Unit files that keep a fork of their own (vitest's `isolate`): they mock modules, change
 * process.env or hold timing truths (test/truth), which must not meet what an earlier file left in
 * the process (a mock, a variable, a heap to collect). Every other unit file shares its fork with
 * the files run before it: each module is loaded once a fork instead of once a file (over a third
 * of the unit group's CPU went to loading modules).
 */
const OWN_PROCESS = [
  'test/truth/**/*.test.ts',
  'test/arrivals/plan-render-chart.test.ts',
  'test/capacity/capacity-html-renders.test.ts',
  'test/driver/interrupt-writes-partial.test.ts',
  'test/gates/run-gates-exit-codes.test.ts',
  'test/reliability/input-parsers-fuzz.test.ts',
  'test/runtime/entry-point-compiled.test.ts',
  'test/runtime/relaunch-needs.test.ts',
  'test/reports/html-report-renders.test.ts',
  'test/reports/render-golden.test.ts',
  'test/transports/http1-held-writes.test.ts',
  'test/simulate/sweep-admin-workers.test.ts',
  'test/targets/reference-reset-tokens.test.ts',
];

// One id per suite run, inherited by every test fork: what the shared main-job run is keyed by
// (a process id alone can be reused by a later suite).
process.env['STAMPEDE_SUITE_ID'] ??= `${process.pid}-${Date.now()}`;
// `npm test` has just compiled dist/ (package.json): the threads and processes the sources start
// (reference server, mail sink, shard workers) run their compiled entries, not tsx
// (harness/runtime/entry-point.ts). A bare `vitest` keeps tsx: its dist/ may be stale.
if (process.env['npm_lifecycle_event'] === 'test') process.env['STAMPEDE_COMPILED_ENTRIES'] = '1';

export default defineConfig({
  test: {
    environment: 'node',
    pool: 'forks',
    testTimeout: 120_000,
    hookTimeout: 60_000,
    // Most unit tests wait on loopback servers, child processes and timers rather than the CPU:
    // three files at a time on a 2-core machine (vitest's default there is one). None of them
    // asserts a capacity or a timing that needs the cores to itself (those are in ALONE). The e2e
    // group stays sequential.
    maxWorkers: 3,
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts'],
          exclude: ['test/e2e/**', ...ALONE, ...OWN_PROCESS],
          isolate: false,
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: {
          name: 'unit-isolated',
          include: OWN_PROCESS,
          exclude: ['test/e2e/**', ...ALONE],
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts', ...ALONE],
          fileParallelism: false,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
