/**
 * `stampede mail-sink [--port N] [--api-port N] [--throttle <domain>=<rate>]...
 * [--greylist <domain>=<delay>]... [--per-connection <domain>=<n>]... [--reject <domain>=<share>]...`:
 * stampede's SMTP mail sink in the foreground until Ctrl-C, its API in Mailpit's shape. Wiring
 * only: targets/mail-sink/ does the work.
 */
import type { CommandModule } from 'yargs';
import { serveSink } from '../../../targets/mail-sink/serve-sink.js';

interface MailSinkArgs {
  port: number;
  'api-port': number;
  host: string;
  'allow-remote': boolean;
  throttle: string[];
  greylist: string[];
  'per-connection': string[];
  reject: string[];
  'token-pattern'?: string;
}

/** The `mail-sink` subcommand. */
export const mailSinkCommand: CommandModule<object, MailSinkArgs> = {
  command: 'mail-sink',
  describe: 'Run the SMTP mail sink (ISP throttling per domain, Mailpit-shaped API) until Ctrl-C',
  builder: (y) =>
    y
      .option('port', { type: 'number', default: 2525, describe: 'SMTP port (0 = any free port)' })
      .option('api-port', { type: 'number', default: 8025, describe: 'HTTP API port (0 = any free port)' })
      .option('host', { type: 'string', default: '127.0.0.1', describe: 'address to listen on (loopback)' })
      .option('allow-remote', {
        type: 'boolean',
        default: false,
        describe: 'allow a --host that is not loopback',
      })
      .option('throttle', {
        type: 'string',
        array: true,
        default: [],
        describe: 'accept at most <rate> messages a second for <domain> (421 beyond it), e.g. gmail.test=50',
      })
      .option('greylist', {
        type: 'string',
        array: true,
        default: [],
        describe:
          "greylist <domain>: 451 on a pair's first attempt, accepted <delay> later, e.g. yahoo.test=30s",
      })
      .option('per-connection', {
        type: 'string',
        array: true,
        default: [],
        describe: 'accept at most <n> messages per SMTP connection for <domain> (421 closes it)',
      })
      .option('reject', {
        type: 'string',
        array: true,
        default: [],
        describe: 'reject this share of <domain> addresses with 550, e.g. other.test=0.01 or =1%',
      })
      .option('token-pattern', {
        type: 'string',
        describe: 'regex finding the token in a mail (group 1 if any)',
      }) as never,
  handler: async (argv) => {
    await serveSink({
      host: argv.host,
      smtpPort: argv.port,
      apiPort: argv['api-port'],
      allowRemote: argv['allow-remote'],
      throttle: argv.throttle,
      greylist: argv.greylist,
      perConnection: argv['per-connection'],
      reject: argv.reject,
      ...(argv['token-pattern'] !== undefined ? { tokenPattern: argv['token-pattern'] } : {}),
    });
  },
};
