import { describe, expect, it } from 'vitest';
import { StampedeError } from '../../harness/errors.js';
import { checkGateSteps, parseGate, parseGates } from '../../reports/gates/gate-parser.js';

function errorOf(fn: () => unknown): StampedeError {
  try {
    fn();
  } catch (err: unknown) {
    if (err instanceof StampedeError) return err;
    throw err;
  }
  throw new Error('expected a StampedeError');
}

describe('parseGate accepts the grammar', () => {
  const valid: [string, Record<string, unknown>][] = [
    [
      'reset-confirm p99 < 250ms',
      {
        step: 'reset-confirm',
        statistic: { kind: 'percentile', source: 'latency', p: 99 },
        op: '<',
        threshold: 250,
        unit: 'ms',
      },
    ],
    ['* error-rate < 1%', { step: '*', statistic: { kind: 'error-rate' }, threshold: 1, unit: '%' }],
    [
      'login service.p99.9 <= 2s',
      { statistic: { kind: 'percentile', source: 'service', p: 99.9 }, op: '<=', unit: 's' },
    ],
    ['login p99.99 < 500us', { statistic: { kind: 'percentile', source: 'latency', p: 99.99 }, unit: 'us' }],
    ['login p100 < 1s', { statistic: { kind: 'percentile', source: 'latency', p: 100 } }],
    ['login p0.1 > 1us', { statistic: { kind: 'percentile', source: 'latency', p: 0.1 }, op: '>' }],
    ['login max < 1s', { statistic: { kind: 'max', source: 'latency' } }],
    ['login min > 0us', { statistic: { kind: 'min', source: 'latency' }, threshold: 0 }],
    ['login service.mean < 10ms', { statistic: { kind: 'mean', source: 'service' } }],
    ['login rate(503) < 5%', { statistic: { kind: 'rate', outcome: '503' }, unit: '%' }],
    ['login rate(ok) >= 99.5%', { statistic: { kind: 'rate', outcome: 'ok' }, op: '>=', threshold: 99.5 }],
    ['login count(timeout) == 0', { statistic: { kind: 'count', outcome: 'timeout' }, op: '==', unit: '' }],
    ['login rps >= 100/s', { statistic: { kind: 'rps' }, threshold: 100, unit: '/s' }],
    ['* dropped == 0', { statistic: { kind: 'dropped' }, unit: '' }],
    ['* dropped < 0.5%', { statistic: { kind: 'dropped' }, unit: '%', threshold: 0.5 }],
    ['login dropped < 1%', { step: 'login', statistic: { kind: 'dropped' }, unit: '%', threshold: 1 }],
    ['forced-reset goodput >= 50/s', { step: 'forced-reset', statistic: { kind: 'goodput' }, unit: '/s' }],
    [
      'login user-wait.p99 < 2s',
      { statistic: { kind: 'percentile', source: 'user-wait', p: 99 }, unit: 's' },
    ],
    [
      'login user-wait p99 < 2s',
      { expr: 'login user-wait p99 < 2s', statistic: { kind: 'percentile', source: 'user-wait', p: 99 } },
    ],
    ['login user-wait max < 5s', { statistic: { kind: 'max', source: 'user-wait' } }],
    [
      'reset-request onset > 180/s',
      { step: 'reset-request', statistic: { kind: 'onset' }, op: '>', threshold: 180, unit: '/s' },
    ],
    ['reset-request fell-behind onset > 180/s', { statistic: { kind: 'onset' }, threshold: 180 }],
    ['takedown drain < 10m', { step: 'takedown', statistic: { kind: 'drain' }, threshold: 10, unit: 'm' }],
    ['blip drain <= 90s', { step: 'blip', statistic: { kind: 'drain' }, unit: 's' }],
    ['login p99<250ms', { op: '<', threshold: 250 }],
    ['login p99 != 0ms', { op: '!=' }],
    ['reset-confirm p99 < 250ms abort-on-fail', { abortOnFail: true, abortAfterS: 0 }],
    ['reset-confirm p99 < 250ms abort-on-fail after 1m30s', { abortOnFail: true, abortAfterS: 90 }],
    ['reset-confirm p99 < 250ms abort-on-fail after 500ms', { abortOnFail: true, abortAfterS: 0.5 }],
    ['  login p50 > 1ms  ', { expr: 'login p50 > 1ms', abortOnFail: false }],
  ];
  it.each(valid)('%s', (expr, fields) => {
    expect(parseGate(expr)).toMatchObject({ source: '--gate', ...fields });
  });
});

describe('parseGate rejects with a located message', () => {
  const invalid: [string, string][] = [
    [
      'reset-confirm p99 < 25Oms',
      'bad value "25Oms" at column 21 (expected a number with a unit: ms, s, us)',
    ],
    ['reset-confirm p99 < 250', 'missing unit in "250" at column 21'],
    ['reset-confirm p99 < 1%', 'unit "%" does not fit p99 at column 22'],
    ['* error-rate < 1ms', 'unit "ms" does not fit error-rate at column 17 (expected a number with %)'],
    ['login rps > 100', 'missing unit in "100" at column 13 (expected a number with /s)'],
    ['login count(503) < 5%', 'unit "%" does not fit count(503) at column 21'],
    ['login p0 < 1ms', 'bad percentile "p0" at column 7'],
    ['login p100.5 < 1ms', 'bad percentile "p100.5" at column 7'],
    ['login p99x < 1ms', 'bad percentile "p99x" at column 7'],
    ['login p99 => 1ms', 'bad operator "=>" at column 11'],
    ['login p99 = 1ms', 'bad operator "=" at column 11'],
    ['login p99 250ms', 'expected an operator, got "250ms" at column 11'],
    ['login p99 <', 'missing value at column 12'],
    ['login p99', 'missing operator at column 10'],
    ['login', 'missing statistic at column 6'],
    ['p99 < 250ms', 'missing step before "p99" at column 1'],
    ['login latency < 1ms', 'bad statistic "latency" at column 7'],
    ['login rate(50x) < 1%', 'unknown outcome class "50x" at column 12'],
    ['login count(503 < 1', 'bad statistic "count(503" at column 7'],
    ['login service.rps > 1/s', '"service." does not apply to rps in "service.rps" at column 7'],
    ['takedown p99 < 1s', '"takedown" selects take-downs, not p99 at column 1'],
    [
      'blip drain < 10',
      'missing unit in "10" at column 14 (expected a duration: a number with ms, s, m or h)',
    ],
    ['login onset > 5', 'missing unit in "5" at column 15 (expected a number with /s)'],
    ['login goodput > 5%', 'unit "%" does not fit goodput at column 18 (expected a number with /s)'],
    ['login user-wait.rps > 1/s', '"user-wait." does not apply to rps in "user-wait.rps" at column 7'],
    ['login p99 < 10m', 'unit "m" does not fit p99 at column 15 (expected a number with a unit: ms, s, us)'],
    ['login p99 < 250ms abort', 'unexpected "abort" at column 19'],
    ['login p99 < 250ms abort-on-fail after', 'missing duration after "after" at column 38'],
    ['login p99 < 250ms abort-on-fail after 10x', 'bad duration "10x" at column 39'],
    ['login p99 < 250ms abort-on-fail soon', 'unexpected "soon" at column 33'],
    ['login p99 < 250ms extra', 'unexpected "extra" at column 19'],
    ['log!n p99 < 1ms', 'bad operator "!" at column 4'],
    ['login p99 < -5ms', 'bad value "-5ms" at column 13'],
    ['login rps > 5/m', 'bad value "5/m" at column 13'],
    ['login p99 < < 1ms', 'bad value "<" at column 13'],
    ['logi$n p99 < 1ms', 'bad step name "logi$n" at column 1'],
  ];
  it.each(invalid)('%s', (expr, located) => {
    const err = errorOf(() => parseGate(expr));
    expect(err.code).toBe('E_GATE');
    expect(err.exitCode).toBe(2);
    expect(err.message).toContain(`--gate "${expr.trim()}": ${located}`);
    expect(err.message).not.toContain('\n');
  });

  it('says an empty gate is empty', () => {
    expect(errorOf(() => parseGate('   ', 'profiles/x.yaml gates[0]')).message).toBe(
      'profiles/x.yaml gates[0]: empty gate (expected "<step|*> <statistic> <op> <value>")',
    );
  });
});

describe('parseGates', () => {
  it('names the profile entry and reports every bad gate at once', () => {
    const err = errorOf(() =>
      parseGates(['login p99 < 1ms', 'login p99 < 1', 'x rps > 2'], 'profiles/x.yaml gates'),
    );
    expect(err.message).toBe(
      'profiles/x.yaml gates[1] "login p99 < 1": missing unit in "1" at column 13 (expected a number with a unit: ms, s, us)',
    );
    expect(err.details).toEqual([
      'profiles/x.yaml gates[2] "x rps > 2": missing unit in "2" at column 9 (expected a number with /s)',
    ]);
  });

  it('parses a list of good gates in order', () => {
    const gates = parseGates(['login p99 < 1ms', '* error-rate < 2%']);
    expect(gates.map((g) => g.expr)).toEqual(['login p99 < 1ms', '* error-rate < 2%']);
  });

  it('refuses a gate on a step the run does not have', () => {
    const gates = parseGates(['reset-confrim p99 < 1ms', '* p99 < 1s']);
    expect(errorOf(() => checkGateSteps(gates, ['login', 'reset-confirm'])).message).toBe(
      '--gate "reset-confrim p99 < 1ms": unknown step "reset-confrim" at column 1 (expected * or one of login reset-confirm)',
    );
    expect(() => checkGateSteps(gates.slice(1), ['login'])).not.toThrow();
  });

  it('checks goodput against flows, drain against take-downs, dropped against either', () => {
    const names = { flows: ['forced-reset', 'login-only'], takedowns: ['blip'] };
    const steps = ['login', 'reset-request'];
    const ok = parseGates([
      'forced-reset goodput > 1/s',
      'blip drain < 1m',
      'takedown drain < 1m',
      'login dropped < 1%',
      'login-only dropped < 1%',
    ]);
    expect(() => checkGateSteps(ok, steps, names)).not.toThrow();
    expect(
      errorOf(() => checkGateSteps(parseGates(['forced-rest goodput > 1/s']), steps, names)).message,
    ).toBe(
      '--gate "forced-rest goodput > 1/s": unknown flow "forced-rest" at column 1 (expected * or one of forced-reset login-only)',
    );
    expect(errorOf(() => checkGateSteps(parseGates(['blop drain < 1m']), steps, names)).message).toContain(
      'unknown take-down "blop"',
    );
    // Without the flow list (an older caller), flow selectors are not checked.
    expect(() => checkGateSteps(parseGates(['forced-reset goodput > 1/s']), steps)).not.toThrow();
  });
});
