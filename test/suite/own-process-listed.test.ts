/**
 * Unit files share their fork (`isolate: false`) unless listed in OWN_PROCESS: a file that mocks
 * a module, stubs a global or writes process.env leaves that behind for the next file of its fork.
 * Every such file must be listed (or run in the e2e group). The scan reads the test sources for
 * the calls that do it; a file added with one and not listed fails here, not as a flake elsewhere.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ALONE, OWN_PROCESS } from '../support/suite-groups.js';

const ROOT = join(import.meta.dirname, '../..');
const LEAVES_STATE =
  /vi\.(mock|doMock|stubEnv|stubGlobal|spyOn|useFakeTimers)\(|process\.env(\[[^\]]+\]|\.\w+) *=[^=]|delete process\.env/;

/** Whether `file` (relative to the root) is matched by an entry: an exact path or a `dir/**` glob. */
function listed(file: string, entries: readonly string[]): boolean {
  return entries.some((e) =>
    e.endsWith('/**/*.test.ts') ? file.startsWith(e.slice(0, -'**/*.test.ts'.length)) : e === file,
  );
}

function testFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((d) => d.isFile() && d.name.endsWith('.test.ts'))
    .map((d) => relative(ROOT, join(d.parentPath, d.name)));
}

describe('the suite groups', () => {
  it('lists in OWN_PROCESS every unit file that mocks, stubs or writes process.env', () => {
    const shared = testFiles(join(ROOT, 'test')).filter(
      (f) => !f.startsWith('test/e2e/') && !listed(f, ALONE) && !listed(f, OWN_PROCESS),
    );
    expect(shared.length).toBeGreaterThan(50);
    const leaking = shared.filter((f) => LEAVES_STATE.test(readFileSync(join(ROOT, f), 'utf8')));
    expect(leaking).toEqual([]);
  });

  it('lists only files that exist', () => {
    const all = new Set(testFiles(join(ROOT, 'test')));
    const missing = [...ALONE, ...OWN_PROCESS].filter((e) => !e.includes('*') && !all.has(e));
    expect(missing).toEqual([]);
  });
});
