/**
 * The explicit map from a target's kind to how it is built, and the CLI's `--target` resolver.
 * Built-ins are named here; user targets are modules whose default export is a factory
 * `(options) => Target` (or a Promise of one), loaded by dynamic import.
 */
import { existsSync } from 'node:fs';
import { extname, isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { errorMessage, StampedeError } from '../harness/errors.js';
import type { Target, TargetSpec } from './target.js';

/** What a user module's default export must be. */
export type TargetFactory = (options: unknown) => Target | Promise<Target>;

type Builders = {
  readonly [K in TargetSpec['kind']]: (spec: Extract<TargetSpec, { kind: K }>) => Promise<Target>;
};

/**
 * Name -> constructor: the one place that knows every kind of target. Each kind's code is
 * imported when it is built, so a worker thread that runs an http target never loads the
 * reference server's code, and the driver has no static path to any concrete target.
 */
const BUILDERS: Builders = {
  reference: async (spec) => {
    const { ReferenceTarget } = await import('./reference/reference-target.js');
    return new ReferenceTarget({
      origin: spec.origin,
      seed: spec.seed,
      ...(spec.accounts !== undefined ? { accounts: spec.accounts } : {}),
      ...(spec.mail !== undefined ? { mail: spec.mail } : {}),
    });
  },
  http: async (spec) => (await import('./http/load-http-target.js')).loadHttpTarget(spec.file, spec.mail),
  module: async (spec) => loadModuleTarget(spec.module, spec.options),
};

/** Builds the target a spec describes (in a worker thread: the same target the main thread started). */
export function createTarget(spec: TargetSpec): Promise<Target> {
  const build = BUILDERS[spec.kind] as (s: TargetSpec) => Promise<Target>;
  return build(spec);
}

const YAML_EXT = new Set(['.yaml', '.yml']);
const MODULE_EXT = new Set(['.js', '.mjs', '.ts', '.mts']);

/**
 * The target named by `--target`: absent or `reference` is the embedded reference service (not
 * started yet); a `.yaml`/`.yml` path an http target file; a `.js`/`.mjs`/`.ts` path a user module.
 */
export async function resolveTarget(arg: string | undefined, cwd: string): Promise<Target> {
  if (arg === undefined || arg === 'reference') {
    const { ReferenceTarget } = await import('./reference/reference-target.js');
    return new ReferenceTarget();
  }
  const ext = extname(arg).toLowerCase();
  if (!YAML_EXT.has(ext) && !MODULE_EXT.has(ext)) {
    throw new StampedeError(
      'E_USAGE',
      `--target: unknown target "${arg}" (use reference, an http target .yaml/.yml, or a .js/.mjs/.ts module)`,
    );
  }
  const file = isAbsolute(arg) ? arg : resolve(cwd, arg);
  if (!existsSync(file)) throw new StampedeError('E_USAGE', `--target: file not found: ${arg}`);
  if (YAML_EXT.has(ext)) return (await import('./http/load-http-target.js')).loadHttpTarget(file);
  return loadModuleTarget(file, undefined);
}

/** Imports a user module and calls its default-export factory with `options`. */
export async function loadModuleTarget(file: string, options: unknown): Promise<Target> {
  let mod: { default?: unknown };
  try {
    mod = (await import(pathToFileURL(file).href)) as { default?: unknown };
  } catch (err: unknown) {
    const hint =
      (err as { code?: string }).code === 'ERR_UNKNOWN_FILE_EXTENSION'
        ? ' (compile it to .js, or run under tsx to load .ts)'
        : '';
    throw new StampedeError(
      'E_TARGET_FILE',
      `${file}: cannot load the target module: ${errorMessage(err)}${hint}`,
    );
  }
  if (typeof mod.default !== 'function') {
    throw new StampedeError('E_TARGET_FILE', `${file}: default export must be a factory (options) => Target`);
  }
  let target: unknown;
  try {
    target = await (mod.default as TargetFactory)(options);
  } catch (err: unknown) {
    throw new StampedeError('E_TARGET_FILE', `${file}: the target factory failed: ${errorMessage(err)}`);
  }
  const missing = TARGET_METHODS.filter(
    (m) => typeof (target as Record<string, unknown> | null)?.[m] !== 'function',
  );
  if (target === null || typeof target !== 'object' || missing.length > 0) {
    throw new StampedeError(
      'E_TARGET_FILE',
      `${file}: the factory's result is not a Target (missing ${missing.join(', ')})`,
    );
  }
  return target as Target;
}

const TARGET_METHODS = ['origin', 'spec', 'credentials', 'buildRequest', 'needsBody', 'interpret'] as const;
