/**
 * `stampede simulate` runs itself again with its V8 flags only when the process lacks them, and a
 * relaunched child never relaunches again (harness/runtime/relaunch-with-flags.ts).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { needsRelaunch, SIMULATE_NODE_FLAGS } from '../../harness/runtime/relaunch-with-flags.js';

const argv = [...process.execArgv];
afterEach(() => {
  process.execArgv.splice(0, process.execArgv.length, ...argv);
  delete process.env['STAMPEDE_RELAUNCHED'];
});

describe('needsRelaunch', () => {
  it('asks for a relaunch when the flag is missing, not when it is given, with any value', () => {
    process.execArgv.splice(
      0,
      process.execArgv.length,
      ...argv.filter((a) => !a.startsWith('--max-semi-space-size')),
    );
    expect(needsRelaunch(SIMULATE_NODE_FLAGS)).toBe(true);
    process.execArgv.push('--max-semi-space-size=64');
    expect(needsRelaunch(SIMULATE_NODE_FLAGS)).toBe(false);
    // The user's own value wins: no second flag, no relaunch.
    process.execArgv.splice(process.execArgv.length - 1, 1, '--max-semi-space-size=8');
    expect(needsRelaunch(SIMULATE_NODE_FLAGS)).toBe(false);
  });

  it('never in a relaunched child, whatever its flags', () => {
    process.execArgv.splice(
      0,
      process.execArgv.length,
      ...argv.filter((a) => !a.startsWith('--max-semi-space-size')),
    );
    process.env['STAMPEDE_RELAUNCHED'] = '1';
    expect(needsRelaunch(SIMULATE_NODE_FLAGS)).toBe(false);
  });
});
