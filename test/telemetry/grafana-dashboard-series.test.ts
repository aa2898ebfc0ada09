/**
 * docs/grafana-dashboard.json parses and every query reads only series the endpoint serves: a
 * short run against the embedded reference target is scraped once an interval has closed, and
 * each expression's metric names must be families of that scrape (stampede's own, declared even
 * before a value, and the target's re-exported ones).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { constantProfile, startCli } from '../reliability/cli-process.js';
import { DASHBOARD, dashboardQueries, metricNames } from '../support/dashboard-queries.js';

let dir = '';
let served = new Set<string>();

/** Sample names a scrape can hold: each `# TYPE` family, with a histogram's and a summary's parts. */
function families(text: string): Set<string> {
  const out = new Set<string>();
  for (const m of text.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
    const [, name, type] = m as unknown as [string, string, string];
    out.add(name);
    if (type === 'histogram') for (const s of ['_bucket', '_sum', '_count']) out.add(name + s);
    if (type === 'summary') for (const s of ['_sum', '_count']) out.add(name + s);
  }
  return out;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'stampede-dashboard-'));
  writeFileSync(join(dir, 'profile.yaml'), constantProfile(20, 3));
  const p = startCli([
    'run',
    join(dir, 'profile.yaml'),
    '--out',
    join(dir, 'run'),
    '--metrics-listen',
    '127.0.0.1:0',
  ]);
  const killer = setTimeout(() => p.child.kill('SIGKILL'), 60_000);
  try {
    const until = Date.now() + 40_000;
    while (Date.now() < until) {
      const url = /metrics at (http:\/\/\S+)/.exec(p.stderr())?.[1];
      const text = url
        ? await fetch(url).then(
            (r) => r.text(),
            () => '',
          )
        : '';
      // Once an interval has closed and the target has been scraped, every family is there.
      if (/^stampede_interval_index\{/m.test(text) && text.includes('stampede_target_')) {
        served = families(text);
        break;
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    // One scrape after the run ends lets the endpoint go (instead of waiting out its bound).
    while (!p.stderr().includes('serving the final metrics') && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 100));
    }
    const url = /metrics at (http:\/\/\S+)/.exec(p.stderr())?.[1];
    if (url)
      await fetch(url).then(
        (r) => r.text(),
        () => '',
      );
    await p.exited();
  } finally {
    clearTimeout(killer);
  }
}, 70_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('docs/grafana-dashboard.json', () => {
  it('names only series the endpoint serves, in every query', () => {
    expect(served.size).toBeGreaterThan(20);
    const queries = dashboardQueries();
    expect(queries.length).toBeGreaterThan(20);
    const unknown: string[] = [];
    for (const q of queries) {
      const names = metricNames(q.expr);
      // A query reading no stampede series would be a query this check cannot vouch for.
      if (names.length === 0) unknown.push(`${q.where}: no stampede series in ${q.expr}`);
      for (const n of names) if (!served.has(n)) unknown.push(`${q.where}: ${n}`);
    }
    expect(unknown).toEqual([]);
  });

  it('has one row repeated per step, and the reference target’s queue, pool and outbox', () => {
    const dash = JSON.parse(readFileSync(DASHBOARD, 'utf8')) as {
      panels: Array<{ type: string; repeat?: string }>;
    };
    expect(dash.panels.filter((p) => p.type === 'row' && p.repeat === 'step')).toHaveLength(1);
    const text = JSON.stringify(dashboardQueries());
    for (const n of ['admin_queue_depth', 'admin_busy_workers', 'mail_outbox_depth']) {
      expect(text).toContain(`stampede_target_stampede_ref_${n}`);
    }
  });
});
