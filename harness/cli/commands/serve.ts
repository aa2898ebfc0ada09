/**
 * `stampede serve reference [--port N] [--host 127.0.0.1] [capacity options]`: runs the embedded
 * reference service in the foreground until Ctrl-C. Wiring only: targets/reference/ does the work.
 */
import type { CommandModule } from 'yargs';
import { serveReference } from '../../../targets/reference/serve-foreground.js';
import { StampedeError } from '../../errors.js';
import { loadProfile } from '../../profile/load-profile.js';
import type { Profile } from '../../profile/profile.js';

interface ServeArgs {
  target: string;
  port: number;
  host: string;
  'allow-remote': boolean;
  'admin-workers'?: number;
  'reset-service-ms'?: number;
  'reset-queue'?: number;
  'mail-per-s'?: number;
  'mail-connections'?: number;
  'mail-attempts'?: number;
  'mail-retry-base-s'?: number;
  'mail-retry-max-s'?: number;
  smtp?: string;
  'mail-api-port': number;
  'hash-cost'?: number;
  'token-ttl-s'?: number;
  accounts?: number;
  seed?: number;
  'must-reset-share'?: number;
  profile?: string;
}

const CAPACITY = {
  'admin-workers': 'admin workers processing resets (default 8)',
  'reset-service-ms': 'service time of one reset on an admin worker, ms (default 20)',
  'reset-queue': 'resets that may wait for a worker before 503 (default 200)',
  'mail-per-s': 'SMTP send attempts per second, first attempts and retries (default 500)',
  'mail-connections': 'pooled SMTP connections to the relay (default 4)',
  'mail-attempts': 'SMTP attempts per mail including the first; 1 = no retry on 4xx (default 8)',
  'mail-retry-base-s': 'backoff before the first mail retry, seconds; doubles per retry (default 1)',
  'mail-retry-max-s': 'cap on one mail retry backoff, seconds (default 30)',
  'hash-cost': 'password KDF cost; 0 = no hashing, 1 ≈ 1.3 ms of CPU per check (default 1)',
  'token-ttl-s': 'lifetime of a reset token, seconds (default 900)',
  accounts: 'accounts in the population (default 1000000)',
  seed: 'population seed; initial passwords are pw-<seed>-<index> (default 1)',
  'must-reset-share': 'share of accounts (lowest indexes) that must reset, 0..1 (default 1)',
} as const;

/** The `serve` subcommand. */
export const serveCommand: CommandModule<object, ServeArgs> = {
  command: 'serve <target>',
  describe: 'Run the embedded reference service in the foreground (Ctrl-C to stop)',
  builder: (y) => {
    let b = y
      .positional('target', { type: 'string', choices: ['reference'], demandOption: true })
      .option('port', { type: 'number', default: 8080, describe: 'port to listen on (0 = any free port)' })
      .option('host', { type: 'string', default: '127.0.0.1', describe: 'address to listen on (loopback)' })
      .option('allow-remote', {
        type: 'boolean',
        default: false,
        describe: 'allow a --host that is not loopback',
      })
      .option('smtp', {
        type: 'string',
        describe: 'relay reset mail to this host:port (default: a mail sink started beside the service)',
      })
      .option('profile', {
        type: 'string',
        describe:
          "take the capacity, population and mail domains (with the sink's limits) from this profile, as `run` does; flags override",
      })
      .option('mail-api-port', {
        type: 'number',
        default: 8025,
        describe: "API port of the mail sink started beside the service (Mailpit's default; 0 = any)",
      });
    for (const [flag, describe] of Object.entries(CAPACITY)) b = b.option(flag, { type: 'number', describe });
    return b as never;
  },
  handler: async (argv) => {
    const smtp = argv.smtp === undefined ? undefined : parseHostPort(argv.smtp);
    const profile = argv.profile === undefined ? undefined : await loadProfile(argv.profile);
    const base = profile ? profileValues(profile) : {};
    await serveReference({
      host: argv.host,
      port: argv.port,
      allowRemote: argv['allow-remote'],
      ...(smtp ? { smtp } : {}),
      mailApiPort: argv['mail-api-port'],
      ...(profile ? { domains: profile.population.domains } : {}),
      values: {
        ...base,
        ...defined({
          adminWorkers: argv['admin-workers'],
          resetServiceMs: argv['reset-service-ms'],
          resetQueue: argv['reset-queue'],
          mailPerS: argv['mail-per-s'],
          mailConnections: argv['mail-connections'],
          mailAttempts: argv['mail-attempts'],
          mailRetryBaseS: argv['mail-retry-base-s'],
          mailRetryMaxS: argv['mail-retry-max-s'],
          hashCost: argv['hash-cost'],
          tokenTtlS: argv['token-ttl-s'],
          accounts: argv.accounts,
          seed: argv.seed,
          mustResetShare: argv['must-reset-share'],
        }),
      },
    });
  },
};

/**
 * The reference values a run of `profile` gives its embedded target: `reference:` and the
 * population's size, seed and must-reset share (reference-target.ts start()).
 */
export function profileValues(profile: Profile): Record<string, number | undefined> {
  const { accounts, seed, mustResetShare } = profile.population;
  return { ...profile.reference, accounts, seed, mustResetShare };
}

/** The entries of `values` that are set (a flag left out keeps the profile's value). */
function defined(values: Record<string, number | undefined>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(values)) if (v !== undefined) out[k] = v;
  return out;
}

/** `127.0.0.1:2525` -> host and port; anything else is a usage error naming --smtp. */
function parseHostPort(text: string): { host: string; port: number } {
  const m = /^(\[[^\]]+\]|[^:]+):(\d{1,5})$/.exec(text);
  const port = Number(m?.[2]);
  if (!m || !(port >= 1 && port <= 65535)) {
    throw new StampedeError('E_USAGE', `--smtp: expected host:port, got "${text}"`);
  }
  return { host: (m[1] ?? '').replace(/^\[|\]$/g, ''), port };
}
