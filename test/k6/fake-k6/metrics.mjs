// A tiny fake of k6/metrics: every add is recorded with its metric name, value and tags.
import { state } from './state.mjs';

class Metric {
  constructor(name) {
    this.name = name;
  }
  add(value, tags = {}) {
    state.samples.push({ metric: this.name, value: Number(value), tags, time: globalThis.__fakeNowMs });
  }
}

export class Counter extends Metric {}
export class Trend extends Metric {}
export class Rate extends Metric {}
