/**
 * The per-profile request code of an exported k6 script: each flow's step table (request
 * builders compiled from the target file's `{{placeholder}}` templates, expected statuses,
 * retry policy, think time, captures), the account pools and the maintenance call. Templates
 * become string concatenations of escaped literals and session values, encoded as the http
 * target does it (URL paths per `encodeURIComponent`, JSON bodies per JSON string escape). The
 * await-mail step reads an HTTP mailbox (`mailbox:` request + token capture) or stampede's mail
 * sink (`mailbox: { sink: { origin } }`, its Mailpit-shaped search API).
 */

import {
  type CaptureDoc,
  DEFAULT_MAIL_CAPTURE,
  type HttpTargetDoc,
  isSinkMailbox,
  type RequestDoc,
  type SinkMailboxDoc,
} from '../../targets/http/http-target-doc.js';
import { parseJsonPointer } from '../../targets/http/json-pointer.js';
import { parseTemplate, type TemplatePart } from '../../targets/http/template.js';
import { poolRange } from '../arrivals/account-pool.js';
import { StampedeError } from '../errors.js';
import type { Flow, FlowStep, Profile } from '../profile/profile.js';
import { type CodeWriter, dataLiteral, lit } from './k6-emitter.js';
import { flowFunctionName } from './k6-scenarios.js';
import { k6MailDomainSource, k6SinkMailbox } from './k6-sink-mailbox.js';

function parts(text: string, where: string): readonly TemplatePart[] {
  const p = parseTemplate(text);
  if (!p.ok) throw new StampedeError('E_TARGET_FILE', `${where}: ${p.error}`);
  return p.parts;
}

/** A JS expression rendering a template; `value(name)` is the expression of a placeholder. */
function templateExpr(ps: readonly TemplatePart[], value: (name: string) => string, encode?: string): string {
  if (ps.length === 0) return "''";
  return ps
    .map((p) => {
      if (typeof p === 'string') return lit(p);
      let v = value(p.name);
      if (p.width > 0) v = `pad(${v}, ${p.width})`;
      return encode ? `${encode}(${v})` : v;
    })
    .join(' + ');
}

function sessionValue(name: string): string {
  switch (name) {
    case 'account':
    case 'password':
    case 'newPassword':
    case 'region':
      return `s.${name}`;
    default:
      return `(s.captures[${lit(name)}] ?? '')`;
  }
}

/** `(s) => ({ method, url, headers, body })` for one request template. */
function builderExpr(req: RequestDoc, base: string, where: string): string {
  const headers: string[] = [];
  let hasType = false;
  for (const [k, v] of Object.entries(req.headers ?? {})) {
    if (k.toLowerCase() === 'content-type') hasType = true;
    headers.push(`${lit(k.toLowerCase())}: ${templateExpr(parts(v, `${where}.headers.${k}`), sessionValue)}`);
  }
  let body = 'null';
  if (typeof req.body === 'string') body = templateExpr(parts(req.body, `${where}.body`), sessionValue);
  else if (req.body !== undefined) {
    body = templateExpr(parts(JSON.stringify(req.body), `${where}.body`), sessionValue, 'jsonEsc');
    if (!hasType) headers.push(`'content-type': 'application/json'`);
  }
  const url = `${lit(base)} + ${templateExpr(parts(req.path, `${where}.path`), sessionValue, 'encodeURIComponent')}`;
  return `(s: Session): Req => ({ method: ${lit(req.method)}, url: ${url}, headers: { ${headers.join(', ')} }, body: ${body} })`;
}

function captureData(c: CaptureDoc, where: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (c.json !== undefined) {
    const p = parseJsonPointer(c.json);
    if (!p) throw new StampedeError('E_TARGET_FILE', `${where}: bad JSON pointer ${c.json}`);
    out['json'] = [...p];
  }
  if (c.header !== undefined) out['header'] = c.header;
  if (c.regex !== undefined) out['regex'] = c.regex;
  if (c.group !== undefined) out['group'] = c.group;
  if (c.optional === true) out['optional'] = true;
  return out;
}

/**
 * The sink's Mailpit-shaped search for this session's address, newest message first (the
 * request and origin from k6-sink-mailbox.ts); its name tag is the address template, so every
 * session's search is one series.
 */
function sinkBuilder(mailbox: SinkMailboxDoc, file: string): { build: string; nameTag: string } {
  const sink = k6SinkMailbox(mailbox, file);
  return {
    build: builderExpr(sink.req, sink.base, `${file} mailbox.sink`),
    nameTag: `${sink.base}${sink.req.path}`,
  };
}

/** The step spec literal of one flow step against the target file, its builder last. */
function stepEntry(step: FlowStep, doc: HttpTargetDoc, base: string, file: string): string {
  const sd = doc.steps[step.kind];
  const sink =
    step.kind === 'await-mail' && !sd && doc.mailbox && isSinkMailbox(doc.mailbox) ? doc.mailbox : undefined;
  let req: RequestDoc | undefined;
  let captures: [string, Record<string, unknown>][];
  let success: unknown = null;
  if (sink) {
    captures = [[sink.capture ?? DEFAULT_MAIL_CAPTURE, { sink: true }]];
  } else if (sd) {
    req = sd;
    captures = Object.entries(sd.captures ?? {}).map(([n, c]) => [
      n,
      captureData(c, `${file} steps.${step.kind}.captures.${n}`),
    ]);
    if (sd.success) {
      const p = parseJsonPointer(sd.success.json) ?? [];
      success = { json: [...p], equals: sd.success.equals ?? null, hasEquals: 'equals' in sd.success };
    }
  } else if (step.kind === 'await-mail' && doc.mailbox && !isSinkMailbox(doc.mailbox)) {
    req = doc.mailbox;
    captures = [
      [doc.mailbox.capture ?? DEFAULT_MAIL_CAPTURE, captureData(doc.mailbox.token, `${file} mailbox.token`)],
    ];
  } else {
    throw new StampedeError(
      'E_TARGET_FILE',
      `${file}: steps: no "${step.kind}" request (step ${step.name} of the profile needs it)`,
    );
  }
  const built = sink
    ? sinkBuilder(sink, file)
    : {
        build: builderExpr(req!, base, `${file} steps.${step.kind}`),
        nameTag: `${base}${req!.path}`,
      };
  const data = {
    name: step.name,
    kind: step.kind,
    think: step.think,
    expect: [...step.expect],
    retry: { ...step.retry, on: [...step.retry.on] },
    pollEveryS: step.pollEveryS,
    timeoutS: step.timeoutS,
    captures,
    success,
    nameTag: built.nameTag,
  };
  const literal = dataLiteral(data, '  ');
  // Append the builder as the last property of the object literal.
  return `${literal.slice(0, -1)}  build: ${built.build},\n  }`;
}

/** A seeded stride/offset for a pool (SplitMix-style mixing of the seed): an affine permutation. */
function poolWalk(size: number, seed: number, salt: number): { stride: number; offset: number } {
  if (size <= 1) return { stride: 0, offset: 0 };
  let x = (seed * 0x9e3779b1 + salt * 0x85ebca6b) >>> 0;
  x = Math.imul(x ^ (x >>> 16), 0x7feb352d) >>> 0;
  x = Math.imul(x ^ (x >>> 15), 0x846ca68b) >>> 0;
  const u = ((x ^ (x >>> 16)) >>> 0) / 4294967296;
  let stride = Math.floor(size * (0.6180339887 + (u - 0.5) * 0.2)) % size;
  if (stride < 1) stride = 1;
  const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));
  while (gcd(stride, size) !== 1) stride = stride + 1 < size ? stride + 1 : 1;
  return { stride, offset: Math.floor(u * 7919 * size) % size };
}

/** Emits pools, account templates, one step table and one exported function per flow. */
export function emitFlows(w: CodeWriter, profile: Profile, doc: HttpTargetDoc, file: string): void {
  const url = new URL(doc.baseUrl);
  const base = url.origin + url.pathname.replace(/\/+$/, '');
  const index = (name: string): string => (name === 'index' ? 'String(i)' : "''");
  w.line(`const SEED = ${profile.population.seed};`);
  for (const line of k6MailDomainSource(profile).split('\n')) w.line(line);
  w.line(
    `const accountName = (i: number): string => ${templateExpr(parts(doc.accounts.name, `${file} accounts.name`), index)};`,
  );
  w.line(
    `const accountPassword = (i: number): string => ${templateExpr(parts(doc.accounts.password, `${file} accounts.password`), index)};`,
  );
  w.line();
  profile.flows.forEach((flow: Flow, fi) => {
    const range = poolRange(profile.population, flow.accounts);
    const walk = poolWalk(range.size, profile.population.seed, fi + 1);
    const ident = flowFunctionName(flow);
    w.comment([
      `flow ${flow.name}: ${flow.steps.map((s) => s.name).join(' -> ')} (accounts: ${flow.accounts})`,
    ]);
    w.line(`const POOL_${ident}: Pool = ${dataLiteral({ start: range.start, size: range.size, ...walk })};`);
    w.line(`const STEPS_${ident}: StepSpec[] = [`);
    for (const step of flow.steps) w.line(`  ${stepEntry(step, doc, base, file)},`);
    w.line('];');
    w.line(`/** One session of flow ${flow.name}; the scenarios of this flow run it once per arrival. */`);
    w.block(`export function ${ident}(): void`, () => {
      w.line(`runFlow(POOL_${ident}, STEPS_${ident}, accountName, accountPassword);`);
    });
    w.line();
  });
}

/** Emits `maintenance()`, which the outage scenarios call once at each outage's start. */
export function emitMaintenance(w: CodeWriter, doc: HttpTargetDoc): void {
  const m = doc.maintenance;
  if (!m) return;
  const url = new URL(doc.baseUrl);
  const base = url.origin + url.pathname.replace(/\/+$/, '');
  w.line(
    "/** Takes the service down for the outage in this scenario's env (the target's maintenance request). */",
  );
  w.block('export function maintenance(): void', () => {
    w.line("const durationS = Number(__ENV.STAMPEDE_OUTAGE_DURATION_S ?? '0');");
    w.line("const regions = (__ENV.STAMPEDE_OUTAGE_REGIONS ?? '').split(',').filter((r) => r !== '');");
    w.line(
      "const fill = (t: string): string => t.split('{{durationS}}').join(String(durationS)).split('{{regions}}').join(regions.join(','));",
    );
    w.line('const walk = (v: unknown): unknown =>');
    w.line(
      "  v === '{{durationS}}' ? durationS : v === '{{regions}}' ? regions : typeof v === 'string' ? fill(v)",
    );
    w.line('  : Array.isArray(v) ? v.map(walk)');
    w.line(
      "  : v !== null && typeof v === 'object' ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)])) : v;",
    );
    const headers = Object.entries(m.headers ?? {}).map(
      ([k, v]) => `${lit(k.toLowerCase())}: fill(${lit(v)})`,
    );
    let body = 'null';
    if (typeof m.body === 'string') body = `fill(${lit(m.body)})`;
    else if (m.body !== undefined) {
      body = `JSON.stringify(walk(${dataLiteral(m.body, '    ')}))`;
      if (!Object.keys(m.headers ?? {}).some((k) => k.toLowerCase() === 'content-type'))
        headers.push(`'content-type': 'application/json'`);
    }
    w.line(`const res = http.request(${lit(m.method)}, ${lit(base)} + fill(${lit(m.path)}), ${body}, {`);
    w.line(`  headers: { ${headers.join(', ')} },`);
    w.line("  tags: { stampede: 'maintenance' },");
    w.line('});');
    w.line("check(res, { 'maintenance accepted': (r) => r.status < 300 });");
  });
  w.line();
}
