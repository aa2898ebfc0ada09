/**
 * Whole-file writes that a crash cannot leave half done: write a sibling temp file, then rename
 * it over the target (rename is atomic within a directory on POSIX file systems).
 */
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { rename, rm, writeFile } from 'node:fs/promises';

function tempName(path: string): string {
  return `${path}.tmp-${process.pid}`;
}

/** Synchronous atomic write, for the few checkpoints taken on the driver's main thread. */
export function writeFileAtomicSync(path: string, content: string): void {
  const tmp = tempName(path);
  try {
    writeFileSync(tmp, content);
    renameSync(tmp, path);
  } catch (err: unknown) {
    // A half-written temp file on a full disk would hold the last free blocks: remove it.
    rmSync(tmp, { force: true });
    throw err;
  }
}

/** Asynchronous atomic write. */
export async function writeFileAtomic(path: string, content: string): Promise<void> {
  const tmp = tempName(path);
  try {
    await writeFile(tmp, content);
    await rename(tmp, path);
  } catch (err: unknown) {
    await rm(tmp, { force: true }).catch(() => undefined);
    throw err;
  }
}

/** JSON with a trailing newline, pretty when small enough to be read by people. */
export function jsonText(value: unknown, pretty = true): string {
  return `${pretty ? JSON.stringify(value, null, 2) : JSON.stringify(value)}\n`;
}
