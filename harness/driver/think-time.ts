/**
 * Think-time sampling: a pure function of the distribution and uniform draws, never negative.
 */
import type { ThinkTime } from '../profile/profile.js';

/** Seconds to think, from two independent uniform draws in [0,1). */
export function sampleThinkS(t: ThinkTime, u1: number, u2: number): number {
  switch (t.dist) {
    case 'fixed':
      return t.s;
    case 'uniform':
      return t.minS + (t.maxS - t.minS) * u1;
    case 'exponential':
      return -t.meanS * Math.log(1 - u1);
    case 'normal': {
      // Box-Muller; one normal from two uniforms is all a session needs.
      const z = Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
      const v = t.meanS + t.sdS * z;
      return Math.max(v, 0);
    }
  }
}
