/**
 * Which test files run how (vitest.config.ts reads these lists): alone in the e2e group, or in a
 * fork of their own in the unit group. Kept apart from the config so a test can check them
 * (test/suite/own-process-listed.test.ts).
 */
/**
 * Real-socket tests whose figures are capacities, onsets or shares of a loopback server: they run
 * with the e2e group, one file at a time, so two CPU-heavy surges never share the 2 cores. The
 * truths whose figures are hundreds of ms against ms of jitter (a 100 ms server's service time,
 * a frozen server's catch-up, a healthy server's findings) run with the unit group.
 */
export const ALONE = [
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
export const OWN_PROCESS = [
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
