/**
 * The explicit name-to-engine map (STYLE rule 2). `--engine` picks from it.
 */
import { StampedeError } from '../errors.js';
import { autocannonEngine } from './autocannon-engine.js';
import type { Engine } from './engine.js';
import { openModelEngine } from './open-model-engine.js';

const ENGINES: Readonly<Record<string, Engine>> = {
  undici: openModelEngine('undici'),
  http1: openModelEngine('http1'),
  autocannon: autocannonEngine,
};

/** Engine names, for the CLI's choices. */
export const ENGINE_NAMES = Object.keys(ENGINES);

export function engineByName(name: string): Engine {
  const engine = ENGINES[name];
  if (!engine)
    throw new StampedeError(
      'E_USAGE',
      `--engine: unknown engine "${name}" (one of: ${ENGINE_NAMES.join(', ')})`,
    );
  return engine;
}
