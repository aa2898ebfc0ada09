/**
 * The mail checks a JSON Schema cannot express: recipient domain names that are domains, their
 * shares summing to 1, a burst that fits the rate, and a flow's `reRequest` patience that can
 * fire (the flow has a reset-request before an await-mail, and the wait is shorter than the
 * await-mail step's own timeout). Reads defensively, beside the schema's own problems.
 */
import { parseDuration } from './duration.js';
import { AWAIT_MAIL_DEFAULTS } from './resolve-profile.js';
import { type CheckContext, isMapping, round, WEIGHT_TOLERANCE } from './semantic-check.js';

/** A lower-case domain name with at least one dot (labels of letters, digits and inner '-'). */
export const MAIL_DOMAIN_NAME =
  /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$/;

/** Adds the problems of `population.domains` and of every flow's `reRequest`. */
export function checkMail(doc: Record<string, unknown>, ctx: CheckContext): void {
  const population = doc['population'];
  if (isMapping(population)) checkDomains(population['domains'], ctx);
  const flows = doc['flows'];
  if (!isMapping(flows)) return;
  for (const [name, flow] of Object.entries(flows)) {
    if (isMapping(flow) && flow['reRequest'] !== undefined) checkReRequest(name, flow, ctx);
  }
}

function checkDomains(domains: unknown, ctx: CheckContext): void {
  if (!isMapping(domains)) return;
  let sum = 0;
  let allShared = true;
  for (const [name, d] of Object.entries(domains)) {
    const path = ['population', 'domains', name];
    if (!MAIL_DOMAIN_NAME.test(name)) {
      ctx.atKey(path, `"${name}" is not a lower-case domain name (e.g. gmail.test)`);
    }
    if (!isMapping(d)) {
      allShared = false;
      continue;
    }
    const share = d['share'];
    if (typeof share === 'number') sum += share;
    else allShared = false;
    const perS = d['perS'];
    const burst = d['burst'];
    if (typeof burst === 'number' && (typeof perS !== 'number' || perS === 0)) {
      ctx.atKey([...path, 'burst'], 'only a rate-limited domain (perS > 0) takes "burst"');
    }
  }
  const names = Object.keys(domains);
  if (allShared && names.length > 0 && Math.abs(sum - 1) > WEIGHT_TOLERANCE) {
    const list = names.map((n) => `${n} ${String((domains[n] as Record<string, unknown>)['share'])}`);
    ctx.atKey(
      ['population', 'domains'],
      `domain shares sum to ${round(sum)}, must sum to 1 (${list.join(', ')})`,
    );
  }
}

function checkReRequest(name: string, flow: Record<string, unknown>, ctx: CheckContext): void {
  const rr = flow['reRequest'];
  const path = ['flows', name, 'reRequest'];
  if (!isMapping(rr)) return;
  const after = parseDuration(rr['after']);
  if (after === 0) ctx.at([...path, 'after'], 'must be > 0');
  const steps = Array.isArray(flow['steps']) ? (flow['steps'] as unknown[]) : [];
  const kindOf = (s: unknown): unknown => (isMapping(s) ? s['step'] : s);
  const request = steps.findIndex((s) => kindOf(s) === 'reset-request');
  const mail = steps.findIndex((s, i) => i > request && kindOf(s) === 'await-mail');
  if (request < 0 || mail < 0) {
    ctx.atKey(path, 'needs a reset-request step followed by an await-mail step to ask again from');
    return;
  }
  const step = steps[mail];
  const timeoutS = isMapping(step)
    ? (parseDuration(step['timeout']) ?? AWAIT_MAIL_DEFAULTS.timeoutS)
    : AWAIT_MAIL_DEFAULTS.timeoutS;
  if (after !== undefined && after > 0 && after >= timeoutS) {
    ctx.at(
      [...path, 'after'],
      `${String(rr['after'])} is not below the await-mail step's timeout (${timeoutS} s): the user would give up first`,
    );
  }
}
