/**
 * Which endpoint a request is, shared by the real server's router and the model's: the bounded
 * set of labels /metrics counts by, and the path prefix of the mailbox API.
 */

/**
 * Path prefix of the model's mailbox API (`GET /v1/mailbox/<account>`). The real server has none
 * any more (its mail goes over SMTP to the mail sink, whose API await-mail reads): it answers 404.
 */
export const MAILBOX_PREFIX = '/v1/mailbox/';

/** The endpoints the reference service answers, plus `other` (404). */
export type Endpoint =
  | 'login'
  | 'password-reset'
  | 'password-reset-confirm'
  | 'mailbox'
  | 'mail-stats'
  | 'maintenance'
  | 'metrics'
  | 'other';

/** Endpoint label of a request (bounded set, so metrics cardinality stays fixed). */
export function endpointOf(method: string | undefined, url: string): Endpoint {
  const path = url.split('?', 1)[0] ?? url;
  if (method === 'POST' && path === '/v1/login') return 'login';
  if (method === 'POST' && path === '/v1/password-reset') return 'password-reset';
  if (method === 'POST' && path === '/v1/password-reset/confirm') return 'password-reset-confirm';
  if (method === 'GET' && path.startsWith(MAILBOX_PREFIX)) return 'mailbox';
  if (method === 'GET' && path === '/admin/mail-stats') return 'mail-stats';
  if (method === 'POST' && path === '/admin/maintenance') return 'maintenance';
  if (method === 'GET' && path === '/metrics') return 'metrics';
  return 'other';
}
