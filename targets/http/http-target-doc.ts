/**
 * The shape of an http target file once it passed its schema (`http-target.schema.json`), and the
 * placeholder vocabulary the checks and the compiler share.
 */
import type { StepKind } from '../../harness/profile/profile.js';
import type { DomainLimitsInput } from '../mail-sink/sink-options.js';

/** An HTTP method a target file may use. */
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH';

/** A request template. A mapping/list body is sent as JSON with placeholders substituted in its strings. */
export interface RequestDoc {
  readonly method: HttpMethod;
  readonly path: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string | Readonly<Record<string, unknown>> | readonly unknown[];
}

/** Where a value comes from: a JSON pointer or a header, optionally narrowed by a regex. */
export interface CaptureDoc {
  readonly json?: string;
  readonly header?: string;
  readonly regex?: string;
  readonly group?: number;
  readonly optional?: boolean;
}

/** One step's request plus how to read its response. */
export interface StepDoc extends RequestDoc {
  readonly expect?: readonly number[];
  readonly captures?: Readonly<Record<string, CaptureDoc>>;
  readonly success?: { readonly json: string; readonly equals?: string | number | boolean | null };
}

/** The await-mail step against a mail API. */
export interface HttpMailboxDoc extends RequestDoc {
  readonly token: CaptureDoc;
  readonly capture?: string;
}

/** stampede's mail sink: started by the run (no `url`) or already running at `url`. */
export interface SinkDoc {
  readonly url?: string;
  readonly smtpPort?: number;
  readonly apiPort?: number;
  /** Template over account, index, domain; default `{{account}}@{{domain}}`. */
  readonly address?: string;
  readonly tokenPattern?: string;
  readonly domains?: Readonly<Record<string, DomainLimitsInput>>;
}

/** The await-mail step against stampede's sink. */
export interface SinkMailboxDoc {
  readonly sink: SinkDoc;
  readonly capture?: string;
}

/** Where await-mail reads mail. */
export type MailboxDoc = HttpMailboxDoc | SinkMailboxDoc;

/** Whether the mailbox is stampede's sink. */
export function isSinkMailbox(m: MailboxDoc): m is SinkMailboxDoc {
  return 'sink' in m;
}

/** Values a sink's `address` template may use. */
export const ADDRESS_PLACEHOLDERS = ['account', 'index', 'domain'] as const;

/** SMTP port of a sink the run starts unless the file says otherwise. */
export const DEFAULT_SINK_SMTP_PORT = 2525;

/** A whole target file. */
export interface HttpTargetDoc {
  readonly name?: string;
  readonly baseUrl: string;
  readonly allowHosts?: readonly string[];
  readonly accounts: { readonly name: string; readonly password: string };
  readonly steps: Partial<Readonly<Record<StepKind, StepDoc>>>;
  readonly mailbox?: MailboxDoc;
  readonly metrics?: { readonly url: string };
  readonly maintenance?: RequestDoc;
}

/** Session values every step template may use. */
export const SESSION_PLACEHOLDERS = ['account', 'password', 'newPassword', 'region'] as const;

/** Values the `accounts` templates may use. */
export const ACCOUNT_PLACEHOLDERS = ['index'] as const;

/** Values the `maintenance` templates may use. */
export const MAINTENANCE_PLACEHOLDERS = ['durationS', 'regions'] as const;

/** Variable the mailbox token lands in unless `mailbox.capture` says otherwise. */
export const DEFAULT_MAIL_CAPTURE = 'token';
