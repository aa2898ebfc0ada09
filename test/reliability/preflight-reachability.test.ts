/**
 * Preflight: a target that accepts connections passes; one that does not is a one-line
 * E_TARGET_UNREACHABLE naming the origin, the reason and `--no-preflight` (exit 2).
 */
import { once } from 'node:events';
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { checkReachable } from '../../harness/driver/preflight.js';
import { StampedeError } from '../../harness/errors.js';

describe('checkReachable', () => {
  it('passes when the origin accepts a connection, even if it never answers', async () => {
    // A server that accepts and says nothing: reachable; how it answers is the surge's business.
    const s = createServer(() => undefined).listen(0, '127.0.0.1');
    await once(s, 'listening');
    const { port } = s.address() as { port: number };
    await expect(checkReachable(`http://127.0.0.1:${port}`)).resolves.toBeUndefined();
    s.close();
  });

  it('refuses a closed port with one line and exit code 2', async () => {
    const s = createServer().listen(0, '127.0.0.1');
    await once(s, 'listening');
    const { port } = s.address() as { port: number };
    s.close();
    await once(s, 'close');
    const err = await checkReachable(`http://127.0.0.1:${port}`).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StampedeError);
    expect((err as StampedeError).code).toBe('E_TARGET_UNREACHABLE');
    expect((err as StampedeError).exitCode).toBe(2);
    expect((err as StampedeError).message).toBe(
      `target not reachable at http://127.0.0.1:${port}: connection refused (use --no-preflight to run anyway)`,
    );
  });

  it('refuses an origin that is not a URL', async () => {
    await expect(checkReachable('127.0.0.1:8080:x')).rejects.toThrow(/target not reachable at .*: not a URL/);
  });
});
