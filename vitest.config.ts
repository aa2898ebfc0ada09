import { defineConfig } from 'vitest/config';
import { COMPILED_ENTRIES_ENV } from './harness/runtime/entry-point.js';
import { ALONE, OWN_PROCESS } from './test/support/suite-groups.js';

// Two groups run one after the other: fast, parallel tests first; then the end-to-end surges,
// one file at a time, so their latency and capacity figures are not disturbed by other tests.

// One id per suite run, inherited by every test fork: what the shared main-job run is keyed by
// (a process id alone can be reused by a later suite).
process.env['STAMPEDE_SUITE_ID'] ??= `${process.pid}-${Date.now()}`;
// `npm test` has just compiled dist/ (package.json): the threads and processes the sources start
// (reference server, mail sink, shard workers) run their compiled entries, not tsx
// (harness/runtime/entry-point.ts). A bare `vitest` keeps tsx: its dist/ may be stale.
if (process.env['npm_lifecycle_event'] === 'test') process.env[COMPILED_ENTRIES_ENV] = '1';

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
