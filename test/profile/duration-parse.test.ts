/**
 * Duration parsing, and the shipped schema kept in step with the code it mirrors (duration
 * pattern, step kinds, retry outcome classes).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DURATION_PATTERN, formatDuration, parseDuration } from '../../harness/profile/duration.js';
import { STEP_KINDS } from '../../harness/profile/profile.js';
import { profileSchemaPath } from '../../harness/profile/schema-check.js';
import { OUTCOME_CLASSES } from '../../harness/vocabulary/outcome.js';

describe('parseDuration', () => {
  it.each([
    [90, 90],
    [0.25, 0.25],
    ['250ms', 0.25],
    ['1.5s', 1.5],
    ['5m', 300],
    ['1h30m', 5400],
    ['2h15m10s500ms', 8110.5],
    ['0s', 0],
    ['  10s ', 10],
  ])('%j is %d seconds', (input, seconds) => {
    expect(parseDuration(input)).toBe(seconds);
  });

  it.each([
    ['5 min'],
    ['10'],
    ['1d'],
    ['-5s'],
    ['s'],
    ['1.s'],
    [''],
    [-1],
    [Number.NaN],
    [true],
    [null],
    [[1]],
  ])('rejects %j', (input) => {
    expect(parseDuration(input)).toBeUndefined();
  });

  it('formats seconds back into the same notation', () => {
    expect(formatDuration(5400)).toBe('1h30m');
    expect(formatDuration(70)).toBe('1m10s');
    expect(formatDuration(0.25)).toBe('250ms');
    expect(formatDuration(0)).toBe('0s');
    for (const s of [1, 59, 61, 3601, 7325.5]) expect(parseDuration(formatDuration(s))).toBe(s);
  });
});

describe('profile.schema.json mirrors the code', () => {
  const schema = JSON.parse(readFileSync(profileSchemaPath(), 'utf8')) as {
    definitions: Record<string, Record<string, unknown>>;
  };
  const defs = schema.definitions;

  it('uses the same duration pattern as the loader', () => {
    expect(defs['duration']?.['pattern']).toBe(DURATION_PATTERN.source);
    expect(defs['think']?.['pattern']).toBe(DURATION_PATTERN.source);
  });

  it('lists exactly the step kinds of profile.ts', () => {
    expect(defs['stepKind']?.['enum']).toEqual([...STEP_KINDS]);
  });

  it('accepts every outcome class but ok as a retry trigger, and 429/503 as numbers', () => {
    const props = (defs['retry']?.['properties'] ?? {}) as Record<string, { items: { enum: unknown[] } }>;
    const on = props['on'];
    const values = on?.items.enum ?? [];
    expect(values.filter((v) => typeof v === 'string')).toEqual(OUTCOME_CLASSES.filter((c) => c !== 'ok'));
    expect(values.filter((v) => typeof v === 'number')).toEqual([429, 503]);
  });
});
