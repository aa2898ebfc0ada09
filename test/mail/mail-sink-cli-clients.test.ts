/**
 * `stampede mail-sink` as a user runs it, fed by SMTP clients not written here: Python's smtplib
 * (on every machine with python3) and Debian's swaks (installed by .ci/run). Their mail lands in
 * the Mailpit-shaped API with its token; greylisting answers smtplib 451 on the first attempt; bad
 * flags are one line and exit 2.
 */
import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { BIN, runCli } from '../reliability/cli-process.js';

const hasSwaks = spawnSync('swaks', ['--version']).status === 0;
const children: ChildProcess[] = [];
afterEach(async () => {
  for (const c of children.splice(0)) {
    if (c.exitCode === null) {
      c.kill('SIGTERM');
      await once(c, 'exit');
    }
  }
});

/** Starts the CLI on any free ports and resolves with them once its banner says it listens. */
async function startSink(args: string[]): Promise<{ smtpPort: number; api: string; child: ChildProcess }> {
  const child = spawn(process.execPath, [BIN, 'mail-sink', '--port', '0', '--api-port', '0', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let out = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no banner: ${out}`)), 20_000);
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /mail sink smtp 127\.0\.0\.1:(\d+) api (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ smtpPort: Number(m[1]), api: m[2] ?? '', child });
      }
    });
    child.once('exit', (code) => reject(new Error(`exited ${code}: ${out}`)));
  });
}

async function newest(
  api: string,
  address: string,
): Promise<{ total: number; messages: { Token: string; Subject: string; From: { Address: string } }[] }> {
  const res = await request(`${api}/api/v1/search?query=${encodeURIComponent(`to:"${address}"`)}&limit=1`);
  return JSON.parse(await res.body.text());
}

/** Python smtplib sends one mail; prints the SMTP code of each attempt (first the greylist's). */
const PY_SEND = `
import smtplib, sys, time
from email.message import EmailMessage
port, to, attempts = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
m = EmailMessage()
m["From"] = "ops@python.test"; m["To"] = to; m["Subject"] = "Reset"
m.set_content("Reset here: https://backend.test/reset?token=abcdef0123456789abcdef0123456789\\n")
for i in range(attempts):
    try:
        with smtplib.SMTP("127.0.0.1", port, timeout=10) as s:
            s.send_message(m)
        print(250); break
    except smtplib.SMTPRecipientsRefused as e:
        print(list(e.recipients.values())[0][0])
        time.sleep(0.05)
`;

describe('stampede mail-sink with standard clients', () => {
  it("takes Python smtplib's mail, and greylists its first attempt with 451", async () => {
    const sink = await startSink(['--greylist', 'grey.test=0']);
    const out = execFileSync('python3', [
      '-c',
      PY_SEND,
      String(sink.smtpPort),
      'ann@open.test',
      '1',
    ]).toString();
    expect(out.trim()).toBe('250');
    const got = await newest(sink.api, 'ann@open.test');
    expect(got.messages[0]).toMatchObject({ Token: 'abcdef0123456789abcdef0123456789', Subject: 'Reset' });
    expect(got.messages[0]?.From.Address).toBe('ops@python.test');

    const grey = await startSink(['--greylist', 'grey.test=1s']);
    const t0 = Date.now();
    // Attempt 1 at once: 451. Then the script retries immediately until 250 (bounded at 400).
    const codes = execFileSync('python3', ['-c', PY_SEND, String(grey.smtpPort), 'bob@grey.test', '400'])
      .toString()
      .trim()
      .split('\n');
    expect(codes[0]).toBe('451');
    expect(codes.at(-1)).toBe('250');
    // Accepted only once 1 s had passed since the first attempt.
    expect(Date.now() - t0).toBeGreaterThanOrEqual(1000);
    const stats = JSON.parse(await (await request(`${grey.api}/api/v1/stampede/stats`)).body.text());
    expect(stats.domains['grey.test']).toMatchObject({ delivered: 1, greylisted: codes.length - 1, lost: 0 });
  }, 60_000);

  it.skipIf(!hasSwaks)(
    'takes mail from swaks (Debian, installed by .ci/run)',
    async () => {
      const sink = await startSink(['--throttle', 'fast.test=100']);
      const r = spawnSync('swaks', [
        '--server',
        `127.0.0.1:${sink.smtpPort}`,
        '--to',
        'cy@fast.test',
        '--from',
        'ops@swaks.test',
        '--header',
        'Subject: Reset',
        '--body',
        'link: https://b.test/r?token=00112233445566778899aabbccddeeff',
      ]);
      expect(r.status, r.stdout.toString()).toBe(0);
      const got = await newest(sink.api, 'cy@fast.test');
      expect(got.messages[0]).toMatchObject({ Token: '00112233445566778899aabbccddeeff', Subject: 'Reset' });
    },
    60_000,
  );

  it('refuses bad flags with one line and exit 2', async () => {
    const cases = [
      [['--throttle', 'gmail=5'], /--throttle: "gmail" is not a domain name/],
      [['--throttle', 'gmail.test=fast'], /--throttle: expected a number >= 0/],
      [['--greylist', 'a.test=soon'], /--greylist: expected a duration/],
      [['--port', '70000'], /--port: must be an integer in \[0, 65535\]/],
    ] as const;
    const runs = await Promise.all(cases.map(([args]) => runCli(['mail-sink', ...args])));
    cases.forEach(([args, msg], i) => {
      const r = runs[i]!;
      expect(r.code, String(args)).toBe(2);
      const err = r.stderr.trim();
      expect(err.split('\n')).toHaveLength(1);
      expect(err).toMatch(msg);
    });
  }, 60_000);
});
