/**
 * The reference model's server-side gauges as a target-metrics sample, under the names the real
 * server's /metrics uses (targets/reference/metrics.ts), so a simulated run directory's
 * `target-metrics.json` reads like a real run's scrape: the take-down analysis
 * (reports/analysis/take-downs.ts) reads both the same way. Read directly from the model's state
 * at each interval boundary (no exposition text to render and parse 31,200 times a day).
 */
import type { TargetMetricsSample } from '../../reports/run-dir/run-meta.js';
import type { ReferenceModel } from '../../targets/reference/model/reference-model.js';

const noop = (): void => undefined;

/** The gauges of `model` at its clock's `nowNs`, stamped `t0Ms + now`. */
export function modelGauges(model: ReferenceModel, nowNs: number, t0Ms: number): TargetMetricsSample {
  const s = model.service;
  s.admin.advance(nowNs, noop);
  const mail = s.mail.gauges(nowNs);
  return {
    atMs: t0Ms + nowNs / 1e6,
    values: {
      stampede_ref_admin_queue_depth: s.admin.depth,
      stampede_ref_admin_busy_workers: s.admin.busy,
      stampede_ref_admin_resets_completed_total: s.admin.completed,
      stampede_ref_mail_outbox_depth: mail.depth,
      stampede_ref_mail_delivered_total: mail.delivered,
      stampede_ref_requests_in_flight: model.atServer,
    },
  };
}
