// A tiny fake of the k6 module: sleep advances the virtual clock (Date.now), plus the run's
// oversleep (a VU that wakes late, as on a starved machine); check records.
import { state } from './state.mjs';

export function sleep(s) {
  state.sleeps.push(s);
  globalThis.__fakeNowMs += s * 1000 + (globalThis.__fakeOversleepMs ?? 0);
}

export function check(value, sets) {
  let all = true;
  for (const [name, f] of Object.entries(sets)) {
    const pass = Boolean(f(value));
    state.checks.push({ name, pass });
    all &&= pass;
  }
  return all;
}
