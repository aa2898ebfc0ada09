/**
 * Property tests over the two parsers a user feeds by hand: whatever text or structure comes in,
 * the profile loader returns a Profile or throws a StampedeError('E_PROFILE') whose message is one
 * line naming the file, and the gate parser returns a Gate or throws a one-line
 * StampedeError('E_GATE'). Never any other exception.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { StampedeError } from '../../harness/errors.js';
import { loadProfile } from '../../harness/profile/load-profile.js';
import { parseGate } from '../../reports/gates/gate-parser.js';
import { tempDir } from '../support/surge-fixture.js';

const dir = tempDir('stampede-fuzz-');
let n = 0;

/** Loads `text` as a profile file; returns 'profile' or the error's one-line message. */
async function load(text: string): Promise<'profile' | string> {
  const file = join(dir, `p${n++}.yaml`);
  writeFileSync(file, text);
  try {
    await loadProfile(file);
    return 'profile';
  } catch (err: unknown) {
    if (!(err instanceof StampedeError)) throw err;
    expect(err.code).toBe('E_PROFILE');
    expect(err.message).not.toContain('\n');
    // Located: the message starts with the file (and a line:col), or says it is not found.
    expect(err.message.startsWith(file)).toBe(true);
    for (const d of err.details) expect(d).not.toContain('\n');
    return err.message;
  }
}

/** Fragments profiles are made of, so random text often gets past the YAML parser. */
const KEYS = [
  'name',
  'population',
  'accounts',
  'seed',
  'flows',
  'weight',
  'steps',
  'phases',
  'constant',
  'ramp',
  'duration',
  'extends',
  'rateScale',
  'timeScale',
  'client',
  'gates',
  'regions',
  'outages',
  'think',
  'retry',
  'login',
  'reset-request',
  'await-mail',
  '{',
  '}',
  '[',
  ']',
  ':',
  '-',
  '\n',
  '  ',
  '"',
  "'",
  '&a',
  '*a',
  '!!int',
  '1s',
  '-5',
  '1e309',
  'null',
  '~',
  '#',
];
const yamlish = fc
  .array(fc.oneof(fc.constantFrom(...KEYS), fc.string({ maxLength: 6 })), { maxLength: 40 })
  .map((parts) => parts.join(' '));

/** JSON-ish values shaped like a profile: known keys at the top, anything below. */
const anyValue = fc.letrec((tie) => ({
  v: fc.oneof(
    { depthSize: 'small' },
    fc.constant(null),
    fc.boolean(),
    fc.double(),
    fc.integer(),
    fc.string({ maxLength: 8 }),
    fc.constantFrom('1s', '500ms', 'login', 'uniform', 'poisson', '-1', ''),
    fc.array(tie('v'), { maxLength: 3 }),
    fc.dictionary(fc.constantFrom(...KEYS.slice(0, 22)), tie('v'), { maxKeys: 4 }),
  ),
})).v;
const profileish = fc.dictionary(fc.constantFrom(...KEYS.slice(0, 22)), anyValue, { maxKeys: 8 });

// Seeded, so CI is repeatable; FUZZ_SEED / FUZZ_RUNS explore further (e.g. FUZZ_RUNS=5000).
const RUNS = Number(process.env['FUZZ_RUNS'] ?? 150);
const SEED =
  process.env['FUZZ_SEED'] === 'random' ? Date.now() : Number(process.env['FUZZ_SEED'] ?? 20261122);

describe('profile loader never throws anything but a located StampedeError', () => {
  it('on arbitrary YAML-ish text', async () => {
    await fc.assert(
      fc.asyncProperty(yamlish, async (text) => void (await load(text))),
      { numRuns: RUNS, seed: SEED },
    );
  });

  it('on arbitrary JSON-ish objects dumped as YAML', async () => {
    await fc.assert(
      fc.asyncProperty(profileish, async (doc) => void (await load(stringify(doc)))),
      { numRuns: RUNS, seed: SEED },
    );
  });

  it('on arbitrary bytes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 200 }), async (bytes) => {
        const file = join(dir, `b${n++}.yaml`);
        writeFileSync(file, bytes);
        await loadProfile(file).catch((err: unknown) => {
          expect(err).toBeInstanceOf(StampedeError);
        });
      }),
      { numRuns: 100, seed: SEED },
    );
  });
});

const GATE_PARTS = [
  'login',
  'reset-confirm',
  '*',
  'p99',
  'p99.9',
  'p0',
  'max',
  'min',
  'mean',
  'service.',
  'rate(',
  'count(',
  ')',
  '503',
  'ok',
  'error-rate',
  'rps',
  'dropped',
  '<',
  '<=',
  '>',
  '>=',
  '==',
  '!=',
  '=',
  '250',
  '1.5',
  '-1',
  'ms',
  's',
  'us',
  '%',
  '/s',
  'abort-on-fail',
  'after',
  '1m30s',
  ' ',
  '  ',
];
const gateish = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.array(fc.constantFrom(...GATE_PARTS), { maxLength: 12 }).map((p) => p.join(' ')),
  fc.array(fc.constantFrom(...GATE_PARTS), { maxLength: 12 }).map((p) => p.join('')),
);

describe('gate parser never throws anything but a one-line E_GATE', () => {
  it('on arbitrary strings', () => {
    fc.assert(
      fc.property(gateish, (expr) => {
        try {
          const gate = parseGate(expr);
          expect(typeof gate.step).toBe('string');
        } catch (err: unknown) {
          if (!(err instanceof StampedeError)) throw err;
          expect(err.code).toBe('E_GATE');
          expect(err.message).not.toContain('\n');
          expect(err.exitCode).toBe(2);
        }
      }),
      { numRuns: 2000, seed: SEED },
    );
  });
});
