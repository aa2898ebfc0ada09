/**
 * The traffic hash of a resolved profile: what two runs must share for `stampede compare` to
 * hold them against each other. It covers every field that shapes the traffic (population size
 * and reset share, flows, phases, outages, client settings, scales) and leaves out what does not:
 * the name, the description, the file path, the seed (two same-build runs with different seeds
 * must compare), the gates (thresholds, not traffic) and the reference target's capacity (that is
 * the build under test, which a comparison exists to vary).
 */
import { createHash } from 'node:crypto';
import { canonicalJson } from './load-profile.js';
import type { Profile } from './profile.js';

/** sha256 hex of the canonical JSON of the traffic-defining part of `p`. */
export function trafficHash(p: Profile): string {
  const {
    name: _name,
    description: _description,
    file: _file,
    gates: _gates,
    reference: _reference,
    population,
    ...traffic
  } = p;
  const { seed: _seed, ...people } = population;
  return createHash('sha256')
    .update(canonicalJson({ ...traffic, population: people }))
    .digest('hex');
}
