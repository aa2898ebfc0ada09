import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { afterAll, describe, expect, it } from 'vitest';
import { buildSyntheticRun } from './synthetic-run.js';

const root = await mkdtemp(join(tmpdir(), 'stampede-schema-'));
afterAll(() => rm(root, { recursive: true, force: true }));

// An independent validator, compiled straight from the published schema file.
const schema = JSON.parse(
  await readFile(new URL('../../reports/run-dir/summary.schema.json', import.meta.url), 'utf8'),
);
const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });
ajv.addFormat('date-time', { type: 'string', validate: (s: string) => !Number.isNaN(Date.parse(s)) });
const validate = ajv.compile(schema);

async function summaryOf(dir: string): Promise<Record<string, unknown>> {
  return JSON.parse(await readFile(join(dir, 'summary.json'), 'utf8'));
}

describe('summary.json', () => {
  it('validates against summary.schema.json, finished and with fall-behind findings', async () => {
    const { writer } = await buildSyntheticRun(join(root, 'done'));
    const s = await summaryOf(writer.dir);
    expect(validate(s), JSON.stringify(validate.errors)).toBe(true);
    expect(s['fellBehind']).not.toBeNull();
    expect(s['gates']).toBeNull();
    expect(s['aborted']).toBe(false);
  });

  it('validates when the run crashed (the initial aborted summary)', async () => {
    const { writer } = await buildSyntheticRun(join(root, 'crash'), { crash: true, intervals: 4 });
    const s = await summaryOf(writer.dir);
    expect(validate(s), JSON.stringify(validate.errors)).toBe(true);
    expect([s['aborted'], s['abortReason']]).toEqual([true, 'run did not finish']);
  });

  it('documents every field it writes, requires them, and lets unknown ones through', async () => {
    const { writer } = await buildSyntheticRun(join(root, 'strict'), { intervals: 4 });
    const s = await summaryOf(writer.dir);
    // Every key written is described in the schema, at the top and per step.
    for (const k of Object.keys(s)) expect(schema.properties[k], k).toBeDefined();
    const steps = s['steps'] as Record<string, Record<string, unknown>>;
    const login = steps['login']!;
    for (const k of Object.keys(login)) expect(schema.definitions.stepSummary.properties[k], k).toBeDefined();
    const { durationS: _, ...missing } = s;
    expect(validate(missing)).toBe(false);
    // Readers ignore what they do not know: a later version's field, a class named later.
    expect(validate({ ...s, extra: 1 })).toBe(true);
    expect(validate({ ...s, steps: { ...steps, login: { ...login, errors: { teapot: 1 } } } })).toBe(true);
    expect(validate({ ...s, steps: { ...steps, login: { ...login, errors: { teapot: -1 } } } })).toBe(false);
  });
});
