/**
 * An http target file whose mailbox is stampede's sink: start() starts the sink in its own
 * process, a backend that relays its SMTP there (the reference service, as any real backend
 * would) gets its reset mail read by await-mail, the confirm with that token works, and the
 * sink's figures come back through MailSource after stop().
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { loadHttpTarget } from '../../targets/http/load-http-target.js';
import { REFERENCE_DEFAULTS } from '../../targets/reference/reference-config.js';
import { listenReference } from '../../targets/reference/server.js';
import { isMailSource, isStartable } from '../../targets/target.js';
import { awaitMail, driveStep, newSession } from './drive-step.js';

const EXAMPLE = new URL('../../targets/examples/reference.http.yaml', import.meta.url);
const dir = mkdtempSync(join(tmpdir(), 'stampede-http-sink-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('http target with mailbox.sink', () => {
  it('starts the sink, reads the backend mail from it, and reports its figures', async () => {
    const doc = parseDocument(readFileSync(EXAMPLE, 'utf8'));
    doc.setIn(['mailbox', 'sink', 'smtpPort'], 0);
    doc.setIn(['mailbox', 'sink', 'domains'], { 'gmail.test': { perS: 100 } });
    const file = join(dir, 'target.yaml');
    writeFileSync(file, doc.toString());
    const target = loadHttpTarget(file);
    expect(isStartable(target) && isMailSource(target)).toBe(true);
    if (!isStartable(target) || !isMailSource(target)) return;
    const domains = [
      { name: 'gmail.test', share: 1, perS: 100, burst: 100, perConnection: 0, greylistS: 0, rejectShare: 0 },
    ];
    await target.start({ population: { accounts: 100, seed: 1, mustResetShare: 1, domains }, capacity: {} });
    const smtp = target.mailSinkSmtp();
    expect(smtp?.port).toBeGreaterThan(0);
    const backend = await listenReference(
      { ...REFERENCE_DEFAULTS, hashCost: 0, accounts: 100, resetServiceMs: 1 },
      { host: '127.0.0.1', port: 0 },
      { host: '127.0.0.1', port: smtp?.port ?? 0, domains: [{ name: 'gmail.test', share: 1 }] },
    );
    try {
      doc.set('baseUrl', backend.url);
      writeFileSync(file, doc.toString());
      // The worker-side rebuild: same file plus the spec's mail sink.
      const spec = target.spec();
      expect(spec).toMatchObject({ kind: 'http', mail: { domains: [{ name: 'gmail.test', share: 1 }] } });
      const worker = loadHttpTarget(file, spec.kind === 'http' ? spec.mail : undefined);
      const s = newSession(worker, 3);
      expect((await driveStep(worker, 'reset-request', s, [202])).status).toBe(202);
      const mail = await awaitMail(worker, s);
      expect(mail.verdict?.verdict).toBe('ok');
      expect(s.captures['token']).toMatch(/^[0-9a-f]{32}$/);
      expect((await driveStep(worker, 'reset-confirm', s, [200])).status).toBe(200);
    } finally {
      await backend.close();
      await target.stop();
    }
    const stats = await target.mailStats();
    // One mail to user-00000003@gmail.test, accepted at once under 100/s.
    expect(stats.domains['gmail.test']).toMatchObject({ accepted: 1, delivered: 1, lost: 0, noToken: 0 });
    expect(stats.domains['gmail.test']?.timeToInboxMs.count).toBe(1);
  }, 60_000);
});
