/**
 * Bad http target files: each is refused with one located line (`file:line:col  field  what`),
 * code E_TARGET_FILE and exit code 2, before anything is sent.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { StampedeError } from '../../harness/errors.js';
import { loadHttpTarget } from '../../targets/http/load-http-target.js';

const dir = mkdtempSync(join(tmpdir(), 'stampede-bad-target-'));

const ACCOUNTS = 'accounts: { name: "user-{{index:08}}", password: "pw-{{index}}" }\n';
const LOGIN = `steps:
  login:
    method: POST
    path: /v1/login
    body: { account: "{{account}}", password: "{{password}}" }
`;
const GOOD = `baseUrl: http://127.0.0.1:8080\n${ACCOUNTS}${LOGIN}`;

function refuse(name: string, text: string): StampedeError {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, text);
  try {
    loadHttpTarget(file);
  } catch (err: unknown) {
    expect(err).toBeInstanceOf(StampedeError);
    const e = err as StampedeError;
    expect(e.code).toBe('E_TARGET_FILE');
    expect(e.exitCode).toBe(2);
    expect(e.message).not.toContain('\n');
    expect(e.message.startsWith(`${file}:`)).toBe(true);
    return e;
  }
  throw new Error(`${name}: was accepted`);
}

/** [case, file text, expected "line:col  field  what" fragment after the file name]. */
const CASES: readonly (readonly [string, string, RegExp])[] = [
  ['missing-baseurl', `${ACCOUNTS}${LOGIN}`, /:1:1 {2}\(root\) {2}missing required field "baseUrl"/],
  [
    'not-loopback',
    GOOD.replace('127.0.0.1', 'api.example.com'),
    /:1:10 {2}baseUrl {2}baseUrl host "api\.example\.com" is not loopback; add it to allowHosts to load-test it/,
  ],
  [
    'unknown-step-kind',
    `${GOOD}  logout:\n    method: POST\n    path: /x\n`,
    /:8:3 {2}steps\.logout {2}unknown step kind "logout"/,
  ],
  [
    'unknown-placeholder',
    GOOD.replace('{{password}}', '{{secret}}'),
    /:7:11 {2}steps\.login\.body {2}unknown placeholder \{\{secret\}\} in step login/,
  ],
  [
    'placeholder-from-later-step',
    `${GOOD.replace('{{password}}', '{{token}}')}  reset-confirm:\n    method: POST\n    path: /c\n    captures:\n      token: { json: /token }\n`,
    /:7:11 {2}steps\.login\.body {2}unknown placeholder \{\{token\}\}/,
  ],
  [
    'bad-json-pointer',
    `${GOOD}    captures:\n      sessionToken: { json: sessionToken }\n`,
    /:9:29 {2}steps\.login\.captures\.sessionToken\.json {2}bad JSON pointer "sessionToken": must start with \//,
  ],
  [
    'bad-regex',
    `${GOOD}    captures:\n      t: { regex: "token=([0-9a-f" }\n`,
    /:9:19 {2}steps\.login\.captures\.t\.regex {2}bad regex/,
  ],
  [
    'bad-method',
    GOOD.replace('method: POST', 'method: FETCH'),
    /:5:13 {2}steps\.login\.method {2}must be one of GET, POST/,
  ],
  [
    'path-without-slash',
    GOOD.replace('path: /v1/login', 'path: v1/login'),
    /:6:11 {2}steps\.login\.path {2}must start with \//,
  ],
  ['unknown-top-level-field', `${GOOD}timeout: 3\n`, /:8:1 {2}timeout {2}unknown field "timeout"/],
  ['invalid-yaml', `${GOOD}  reset-request: [unclosed\n`, /:\d+:\d+ {2}\(root\) {2}invalid YAML/],
  [
    'json-and-header',
    `${GOOD}    captures:\n      t: { json: /t, header: x-t }\n`,
    /:9:10 {2}steps\.login\.captures\.t {2}use json or header, not both/,
  ],
  [
    'malformed-braces',
    GOOD.replace('{{account}}', '{{account}'),
    /steps\.login\.body {2}malformed placeholder/,
  ],
  [
    'regex-group-out-of-range',
    `${GOOD}    captures:\n      t: { regex: "token=(\\\\w+)", group: 2 }\n`,
    /steps\.login\.captures\.t\.group {2}group 2 but the regex has 1 group/,
  ],
  [
    'mailbox-and-await-mail',
    `${GOOD}  await-mail:\n    method: GET\n    path: /m\nmailbox:\n  method: GET\n  path: /m\n  token: { json: /t }\n`,
    /mailbox {2}give await-mail either as steps\.await-mail or as mailbox, not both/,
  ],
  [
    'metrics-not-loopback',
    `${GOOD}metrics: { url: "http://10.0.0.8:9090/metrics" }\n`,
    /metrics\.url {2}metrics\.url host "10\.0\.0\.8" is not loopback/,
  ],
  ['empty-file', '\n', /:1:1 {2}\(root\) {2}empty target file/],
  [
    'missing-accounts',
    `baseUrl: http://127.0.0.1:8080\n${LOGIN}`,
    /\(root\) {2}missing required field "accounts"/,
  ],
];

describe('http target file: bad files', () => {
  it.each(CASES)('%s is refused with a located one-line error', (name, text, want) => {
    const e = refuse(name, text);
    expect(e.message).toMatch(want);
  });

  it('accepts the good base file (the cases above are each one change away from it)', () => {
    const file = join(dir, 'good.yaml');
    writeFileSync(file, GOOD);
    expect(loadHttpTarget(file).credentials(3)).toEqual({ account: 'user-00000003', password: 'pw-3' });
  });

  it('reports every problem of a stage at once, in file order: the first as the message, the rest as details', () => {
    const shape = refuse('several-shape', GOOD.replace('method: POST', 'method: FETCH').concat('extra: 1\n'));
    expect(shape.message).toMatch(/:5:13 {2}steps\.login\.method/);
    expect(shape.details).toHaveLength(1);
    expect(shape.details[0]).toMatch(/:8:1 {2}extra {2}unknown field "extra"/);
    const meaning = refuse(
      'several-meaning',
      GOOD.replace('127.0.0.1', 'example.org').replace('/v1/login', '/v1/{{nope}}'),
    );
    expect(meaning.message).toMatch(/:1:10 {2}baseUrl/);
    expect(meaning.details[0]).toMatch(/:6:11 {2}steps\.login\.path {2}unknown placeholder \{\{nope\}\}/);
  });

  it('lets allowHosts opt a non-loopback host in, and reads a missing file as E_TARGET_FILE', () => {
    const file = join(dir, 'allowed.yaml');
    writeFileSync(file, `${GOOD.replace('127.0.0.1', 'api.example.com')}allowHosts: [api.example.com]\n`);
    expect(loadHttpTarget(file).origin()).toBe('http://api.example.com:8080');
    expect(() => loadHttpTarget(join(dir, 'absent.yaml'))).toThrow(/cannot read the target file \(ENOENT\)/);
  });
});
