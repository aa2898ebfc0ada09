/**
 * entryPoint for a TypeScript caller: tsx by default; the compiled sibling in dist/ when
 * STAMPEDE_COMPILED_ENTRIES is '1' (set under `npm test`, which has just built dist/) and that
 * sibling exists; tsx again when it does not.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { COMPILED_ENTRIES_ENV, entryPoint } from '../../harness/runtime/entry-point.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CALLER = pathToFileURL(`${ROOT}targets/mail-sink/sink-process.ts`).href;
const saved = process.env[COMPILED_ENTRIES_ENV];

afterEach(() => {
  if (saved === undefined) delete process.env[COMPILED_ENTRIES_ENV];
  else process.env[COMPILED_ENTRIES_ENV] = saved;
});

describe('entryPoint from a TypeScript caller', () => {
  it('runs the source under tsx when compiled entries are not asked for', () => {
    delete process.env[COMPILED_ENTRIES_ENV];
    const e = entryPoint(CALLER, './sink-main');
    expect(e.file).toBe(`${ROOT}targets/mail-sink/sink-main.ts`);
    expect(e.execArgv).toEqual(['--import', 'tsx']);
    expect(e.workerUrl.protocol).toBe('data:');
  });

  it.skipIf(!existsSync(`${ROOT}dist/targets/mail-sink/sink-main.js`))(
    'runs the compiled sibling in dist/, without tsx, when asked for and built',
    () => {
      process.env[COMPILED_ENTRIES_ENV] = '1';
      const e = entryPoint(CALLER, './sink-main');
      expect(e.file).toBe(`${ROOT}dist/targets/mail-sink/sink-main.js`);
      expect(e.execArgv).toEqual([]);
      expect(e.workerUrl.href).toBe(pathToFileURL(e.file).href);
    },
  );

  it('keeps tsx when asked for compiled entries but the sibling was never built', () => {
    process.env[COMPILED_ENTRIES_ENV] = '1';
    const e = entryPoint(CALLER, './no-such-entry');
    expect(e.file).toBe(`${ROOT}targets/mail-sink/no-such-entry.ts`);
    expect(e.execArgv).toEqual(['--import', 'tsx']);
  });
});
