/**
 * Checks an http target file and reports every problem at once, each located
 * (`file:line:col  field  what`): the schema first, then what a schema cannot say: loopback
 * guard, JSON pointers, regexes, and placeholders that are neither builtin nor captured by an
 * EARLIER step (login, reset-request, await-mail, reset-confirm, login-new).
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { MAIL_DOMAIN_NAME } from '../../harness/profile/mail-check.js';
import type { PathSeg, ProblemList } from '../../harness/profile/problem-list.js';
import { STEP_KINDS } from '../../harness/profile/profile.js';
import { locate, type TreeNode } from '../../harness/profile/yaml-tree.js';
import {
  ACCOUNT_PLACEHOLDERS,
  ADDRESS_PLACEHOLDERS,
  type CaptureDoc,
  DEFAULT_MAIL_CAPTURE,
  type HttpTargetDoc,
  isSinkMailbox,
  MAINTENANCE_PLACEHOLDERS,
  type RequestDoc,
  SESSION_PLACEHOLDERS,
  type SinkDoc,
} from './http-target-doc.js';
import { parseJsonPointer } from './json-pointer.js';
import { hostRefusal } from './loopback.js';
import { parseTemplate, placeholderNames } from './template.js';

// From sources (targets/http) and from compiled code (dist/targets/http), which tsc does not copy JSON to.
const SCHEMA_CANDIDATES = ['./http-target.schema.json', '../../../targets/http/http-target.schema.json'];

/** Absolute path of the http target JSON Schema. */
export function httpTargetSchemaPath(): string {
  for (const rel of SCHEMA_CANDIDATES) {
    const file = fileURLToPath(new URL(rel, import.meta.url));
    if (existsSync(file)) return file;
  }
  throw new Error(`http target schema not found beside ${fileURLToPath(import.meta.url)}`);
}

let compiled: ValidateFunction | undefined;

function validator(): ValidateFunction {
  if (compiled === undefined) {
    const schema = JSON.parse(readFileSync(httpTargetSchemaPath(), 'utf8')) as object;
    compiled = new Ajv({ allErrors: true, strict: false }).compile(schema);
  }
  return compiled;
}

/** Adds every schema problem; returns whether the document fits the schema. */
export function checkTargetSchema(doc: unknown, tree: TreeNode, problems: ProblemList): doc is HttpTargetDoc {
  const validate = validator();
  if (validate(doc)) return true;
  for (const e of validate.errors ?? []) {
    const path = pointerPath(e.instancePath);
    const p = e.params as Record<string, unknown>;
    if (e.keyword === 'additionalProperties') {
      const key = String(p['additionalProperty']);
      const what =
        path.length === 1 && path[0] === 'steps'
          ? `unknown step kind "${key}" (known: ${STEP_KINDS.join(', ')})`
          : `unknown field "${key}"`;
      problems.add(locate(tree, [...path, key], true), [...path, key], what);
    } else if (e.keyword === 'propertyNames') {
      const key = String(p['propertyName']);
      problems.add(locate(tree, [...path, key], true), [...path, key], `bad variable name "${key}"`);
    } else if (e.keyword === 'pattern' && e.propertyName === undefined) {
      problems.add(locate(tree, path), path, patternMessage(path));
    } else if (e.keyword !== 'if' && !(e.keyword === 'pattern' && e.propertyName !== undefined)) {
      problems.add(locate(tree, path), path, schemaMessage(e));
    }
  }
  return false;
}

function pointerPath(pointer: string): PathSeg[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

function patternMessage(path: readonly PathSeg[]): string {
  const last = path[path.length - 1];
  if (last === 'path') return 'must start with /';
  if (last === 'baseUrl' || last === 'url') return 'must be an http:// or https:// URL';
  return 'must be a name of letters, digits, _ or -';
}

function schemaMessage(e: ErrorObject): string {
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'required':
      return `missing required field "${String(p['missingProperty'])}"`;
    case 'type':
      return `must be ${String(p['type']).replace(/,/g, ' or ')}`;
    case 'enum':
      return `must be one of ${(p['allowedValues'] as unknown[]).join(', ')}`;
    case 'minProperties':
      return 'must not be empty';
    default:
      return e.message ?? `fails ${e.keyword}`;
  }
}

/** Adds every problem a schema cannot see. Call only on a document that passed the schema. */
export function checkTargetSemantics(doc: HttpTargetDoc, tree: TreeNode, problems: ProblemList): void {
  const at = (path: readonly PathSeg[], what: string): void => problems.add(locate(tree, path), path, what);

  const allow = doc.allowHosts ?? [];
  checkUrl(doc.baseUrl, ['baseUrl'], allow, at);
  if (doc.metrics) checkUrl(doc.metrics.url, ['metrics', 'url'], allow, at);

  checkTemplate(doc.accounts.name, ['accounts', 'name'], ACCOUNT_PLACEHOLDERS, 'accounts', at);
  checkTemplate(doc.accounts.password, ['accounts', 'password'], ACCOUNT_PLACEHOLDERS, 'accounts', at);

  if (doc.mailbox && doc.steps['await-mail']) {
    at(['mailbox'], 'give await-mail either as steps.await-mail or as mailbox, not both');
  }
  // Variables become usable in the steps after the one that captures them.
  const known = new Set<string>(SESSION_PLACEHOLDERS);
  for (const kind of STEP_KINDS) {
    const step = doc.steps[kind];
    if (step) {
      checkRequest(step, ['steps', kind], known, `step ${kind}`, at);
      for (const [name, cap] of Object.entries(step.captures ?? {})) {
        checkCapture(cap, ['steps', kind, 'captures', name], at);
      }
      if (step.success && !parseJsonPointer(step.success.json)) {
        at(['steps', kind, 'success', 'json'], badPointer(step.success.json));
      }
      for (const name of Object.keys(step.captures ?? {})) known.add(name);
    }
    if (kind === 'await-mail' && doc.mailbox && isSinkMailbox(doc.mailbox)) {
      checkSinkMailbox(doc.mailbox.sink, allow, at);
      known.add(doc.mailbox.capture ?? DEFAULT_MAIL_CAPTURE);
    } else if (kind === 'await-mail' && doc.mailbox && !isSinkMailbox(doc.mailbox)) {
      checkRequest(doc.mailbox, ['mailbox'], known, 'mailbox', at);
      checkCapture(doc.mailbox.token, ['mailbox', 'token'], at);
      known.add(doc.mailbox.capture ?? DEFAULT_MAIL_CAPTURE);
    }
  }
  if (doc.maintenance) {
    checkRequest(doc.maintenance, ['maintenance'], new Set(MAINTENANCE_PLACEHOLDERS), 'maintenance', at);
  }
}

type At = (path: readonly PathSeg[], what: string) => void;

function checkSinkMailbox(sink: SinkDoc, allow: readonly string[], at: At): void {
  const path: PathSeg[] = ['mailbox', 'sink'];
  if (sink.url !== undefined) {
    checkUrl(sink.url, [...path, 'url'], allow, at);
    for (const key of ['smtpPort', 'apiPort', 'tokenPattern', 'domains'] as const) {
      if (sink[key] !== undefined) at([...path, key], `only a sink the run starts (no url) takes "${key}"`);
    }
  }
  if (sink.address !== undefined) {
    checkTemplate(sink.address, [...path, 'address'], ADDRESS_PLACEHOLDERS, 'mailbox.sink.address', at);
  }
  if (sink.tokenPattern !== undefined) {
    try {
      new RegExp(sink.tokenPattern);
    } catch (err: unknown) {
      at([...path, 'tokenPattern'], `bad regex: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  for (const name of Object.keys(sink.domains ?? {})) {
    if (!MAIL_DOMAIN_NAME.test(name)) {
      at([...path, 'domains', name], `"${name}" is not a lower-case domain name (e.g. gmail.test)`);
    }
  }
}

function checkUrl(text: string, path: PathSeg[], allow: readonly string[], at: At): void {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    at(path, `"${text}" is not a URL`);
    return;
  }
  const refusal = hostRefusal(url, allow);
  if (refusal) at(path, `${path.join('.')} ${refusal}`);
}

function checkRequest(
  req: RequestDoc,
  path: PathSeg[],
  known: ReadonlySet<string>,
  where: string,
  at: At,
): void {
  checkTemplate(req.path, [...path, 'path'], known, where, at);
  for (const [h, v] of Object.entries(req.headers ?? {}))
    checkTemplate(v, [...path, 'headers', h], known, where, at);
  if (typeof req.body === 'string') checkTemplate(req.body, [...path, 'body'], known, where, at);
  else if (req.body !== undefined)
    checkTemplate(JSON.stringify(req.body), [...path, 'body'], known, where, at);
}

function checkTemplate(text: string, path: PathSeg[], known: Iterable<string>, where: string, at: At): void {
  const parsed = parseTemplate(text);
  if (!parsed.ok) {
    at(path, parsed.error);
    return;
  }
  const allowed = new Set(known);
  for (const name of placeholderNames(parsed.parts)) {
    if (!allowed.has(name)) {
      at(
        path,
        `unknown placeholder {{${name}}} in ${where}: not builtin and not captured by an earlier step`,
      );
    }
  }
}

function checkCapture(cap: CaptureDoc, path: PathSeg[], at: At): void {
  if (cap.json !== undefined && cap.header !== undefined) at(path, 'use json or header, not both');
  if (cap.json === undefined && cap.header === undefined && cap.regex === undefined) {
    at(path, 'needs json, header or regex');
  }
  if (cap.json !== undefined && !parseJsonPointer(cap.json)) at([...path, 'json'], badPointer(cap.json));
  if (cap.regex !== undefined) {
    let groups = 0;
    try {
      groups = (new RegExp(`${cap.regex}|`).exec('')?.length ?? 1) - 1;
    } catch (err: unknown) {
      at([...path, 'regex'], `bad regex: ${err instanceof Error ? err.message : String(err)}`);
      return;
    }
    if (cap.group !== undefined && cap.group > groups) {
      at([...path, 'group'], `group ${cap.group} but the regex has ${groups} group(s)`);
    }
  } else if (cap.group !== undefined) {
    at([...path, 'group'], 'group needs a regex');
  }
}

function badPointer(text: string): string {
  return `bad JSON pointer "${text}": must start with / (e.g. /data/token)`;
}
