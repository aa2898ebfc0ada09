/**
 * The request the model's own target (`model-target.ts`) hands the model: an ordinary RequestSpec
 * (method, path, the region header: what any transport or decorator may read) that also carries
 * the fields the server would parse out of its JSON body, already typed. The model answers it
 * without serializing or parsing a body, and answers it without a body unless the step reads one
 * (await-mail: the newest token itself, not a JSON mailbox listing). A plain RequestSpec with a
 * JSON body (the reference Target's) is still answered the server's way.
 *
 * The model copies its fields when it is sent (`request-ring.ts`): a request abandoned by its
 * session (a deadline) that still waits for the model's core is answered as it was sent, and the
 * object itself is not read after `send` (the model's target refills one object per call).
 */
import type { RequestSpec } from '../../target.js';
import type { Endpoint } from '../rules/endpoint.js';

/** Endpoints a model request can name (the flows' four steps). */
export type ModelEndpoint = Extract<
  Endpoint,
  'login' | 'password-reset' | 'mailbox' | 'password-reset-confirm'
>;

/** A RequestSpec with its body's fields already parsed. */
export interface ModelRequest extends RequestSpec {
  readonly endpoint: ModelEndpoint;
  /** The account's index in the population (what the server derives from its name). */
  readonly accountIndex: number;
  readonly region: string;
  /** login: the password; reset-confirm: the token; otherwise ''. */
  readonly secret: string;
  /** reset-confirm: the new password; otherwise ''. */
  readonly newPassword: string;
}

/**
 * A model request's parsed fields, as the service reads them (`ModelService.answer`): a login's
 * password only as its fingerprint (what the model's queue holds of it, `request-ring.ts`).
 */
export interface ModelRequestFields {
  readonly endpoint: ModelEndpoint;
  readonly accountIndex: number;
  readonly region: string;
  /** login: `passwordPrint(secret)`; otherwise 0. */
  readonly passwordPrint: number;
  /** reset-confirm: the token; otherwise ''. */
  readonly secret: string;
  /** reset-confirm: the new password; otherwise ''. */
  readonly newPassword: string;
}

/** Fields the ring fills in for the service to read (`RequestRing.fields`): one object, reused. */
export type ModelFieldsScratch = { -readonly [K in keyof ModelRequestFields]: ModelRequestFields[K] };

/** A blank `ModelFieldsScratch`. */
export function modelFieldsScratch(): ModelFieldsScratch {
  return { endpoint: 'login', accountIndex: 0, region: '', passwordPrint: 0, secret: '', newPassword: '' };
}

/** Whether `req` came from the model's target (its fields parsed) rather than as JSON. */
export function isModelRequest(req: RequestSpec): req is ModelRequest {
  return (req as Partial<ModelRequest>).endpoint !== undefined;
}
