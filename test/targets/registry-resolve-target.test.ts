/**
 * The registry: `--target` values resolve to the right kind of target, every target's spec
 * rebuilds an equivalent one (what a worker thread does), and unknown values are usage errors.
 * The module example is exercised against a real loopback reference server.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StampedeError } from '../../harness/errors.js';
import { isHttpTarget } from '../../targets/http/load-http-target.js';
import { REFERENCE_DEFAULTS } from '../../targets/reference/reference-config.js';
import { ReferenceTarget } from '../../targets/reference/reference-target.js';
import { serveReference } from '../../targets/reference/serve-foreground.js';
import type { ReferenceServer } from '../../targets/reference/server.js';
import { createTarget, resolveTarget } from '../../targets/registry.js';
import { hasMaintenanceControl, isMetricsSource, isStartable } from '../../targets/target.js';
import { driveStep, newSession } from './drive-step.js';
import { listenReferenceWithSink } from './reference-with-sink.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'stampede-registry-'));

let server: ReferenceServer;
beforeAll(async () => {
  server = await listenReferenceWithSink({
    ...REFERENCE_DEFAULTS,
    hashCost: 0,
    accounts: 100,
    mustResetShare: 0.5,
  });
});
afterAll(async () => {
  await server?.close();
});

function usageError(p: Promise<unknown>): Promise<StampedeError> {
  return p.then(
    () => {
      throw new Error('accepted');
    },
    (e: unknown) => e as StampedeError,
  );
}

describe('resolveTarget', () => {
  it('gives the reference target, not started, for no value and for "reference"', async () => {
    for (const arg of [undefined, 'reference']) {
      const t = await resolveTarget(arg, root);
      expect(t).toBeInstanceOf(ReferenceTarget);
      expect(isStartable(t) && isMetricsSource(t) && hasMaintenanceControl(t)).toBe(true);
      expect(() => t.origin()).toThrow(/before start/);
    }
  });

  it('loads a .yaml path (relative to cwd) as an http target with the abilities its file declares', async () => {
    const t = await resolveTarget('targets/examples/reference.http.yaml', root);
    expect(isHttpTarget(t)).toBe(true);
    // Its mailbox is a sink the run starts: the target is Startable and a MailSource.
    expect(isStartable(t)).toBe(true);
    expect(isMetricsSource(t) && t.metricsUrl()).toBe('http://127.0.0.1:8080/metrics');
    expect(hasMaintenanceControl(t)).toBe(true);
    const again = await createTarget(t.spec());
    expect(again.credentials(5)).toEqual(t.credentials(5));
  });

  it('loads a .ts module through its default-export factory, and rebuilds it from its spec', async () => {
    const t = await resolveTarget('targets/examples/custom-target.ts', root);
    expect(t.name).toMatch(/^module:.*custom-target\.ts$/);
    expect(t.spec()).toMatchObject({ kind: 'module' });
    const rebuilt = await createTarget({
      kind: 'module',
      module: join(root, 'targets/examples/custom-target.ts'),
      options: { origin: server.url, seed: 1 },
    });
    expect(rebuilt.origin()).toBe(server.url);
    const s = newSession(rebuilt, 1);
    const login = await driveStep(rebuilt, 'login', s, [403]);
    expect(login.status).toBe(403);
    const free = newSession(rebuilt, 80);
    expect((await driveStep(rebuilt, 'login', free, [200])).status).toBe(200);
    expect(free.captures['sessionToken']).toBeDefined();
  });

  it('rebuilds a reference target from its spec with the same credentials and origin', async () => {
    const t = await createTarget({ kind: 'reference', origin: server.url, seed: 1, accounts: 1_000_000_000 });
    expect(t.origin()).toBe(server.url);
    expect(t.credentials(42)).toEqual({ account: 'user-000000042', password: 'pw-1-42' });
    const s = newSession(t, 60);
    expect((await driveStep(t, 'login', s, [200])).status).toBe(200);
  });

  it('refuses unknown values, missing files and modules that are not targets, naming the flag or file', async () => {
    const unknown = await usageError(resolveTarget('nginx', root));
    expect(unknown).toBeInstanceOf(StampedeError);
    expect(unknown.code).toBe('E_USAGE');
    expect(unknown.exitCode).toBe(2);
    expect(unknown.message).toMatch(/^--target: unknown target "nginx"/);
    expect((await usageError(resolveTarget('absent.yaml', dir))).message).toMatch(
      /^--target: file not found/,
    );
    const notTarget = join(dir, 'not-a-target.mjs');
    writeFileSync(notTarget, 'export default () => ({ origin: () => "x" });\n');
    const bad = await usageError(resolveTarget(notTarget, dir));
    expect(bad.code).toBe('E_TARGET_FILE');
    expect(bad.message).toMatch(/not a Target \(missing spec, credentials, buildRequest/);
    const noFactory = join(dir, 'no-factory.mjs');
    writeFileSync(noFactory, 'export const x = 1;\n');
    expect((await usageError(resolveTarget(noFactory, dir))).message).toMatch(
      /default export must be a factory/,
    );
  });
});

describe('serveReference', () => {
  it('serves on loopback until aborted and refuses a remote host without --allow-remote', async () => {
    const lines: string[] = [];
    const ac = new AbortController();
    const done = serveReference({
      host: '127.0.0.1',
      port: 0,
      allowRemote: false,
      values: { hashCost: 0, adminWorkers: 3 },
      out: (l) => {
        lines.push(l);
        if (l.startsWith('reference service listening')) ac.abort();
      },
      signal: ac.signal,
    });
    await done;
    expect(lines[0]).toMatch(/^reference service listening on http:\/\/127\.0\.0\.1:\d+$/);
    expect(lines[1]).toMatch(/admin workers 3 x 20 ms/);
    const remote = await usageError(
      serveReference({ host: '0.0.0.0', port: 0, allowRemote: false, values: {} }),
    );
    expect(remote.message).toMatch(/^--host: "0\.0\.0\.0" is not loopback; pass --allow-remote/);
    const badFlag = await usageError(
      serveReference({ host: '127.0.0.1', port: 0, allowRemote: false, values: { adminWorkers: 0 } }),
    );
    expect(badFlag.message).toMatch(/^--admin-workers: must be a number in \[1, 100000\], got 0/);
  });
});
