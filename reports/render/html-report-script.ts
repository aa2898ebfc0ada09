/**
 * The script of report.html, as text: it reads the embedded chart data (`#stampede-data`) and
 * draws the charts with the inlined uPlot. Kept free of template placeholders on purpose: it is
 * inserted verbatim, and everything run-specific arrives through the JSON block.
 */

/** Browser JavaScript drawing every chart; sets `document.body.dataset.charts` when done. */
export const REPORT_SCRIPT = String.raw`
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('stampede-data').textContent);
  var PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#17becf', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22'];
  var CLASS_COLOURS = { ok: '#2ca02c', '4xx': '#9467bd', '429': '#ff7f0e', '5xx': '#8c564b', '503': '#d62728',
    timeout: '#e377c2', connect: '#7f7f7f', reset: '#bcbd22', 'mail-timeout': '#17becf', invalid: '#1f77b4' };
  var drawn = 0;

  function width(el) { return Math.max(480, Math.min(1100, el.clientWidth || 900)); }
  function fmtMs(v) {
    if (v == null) return '-';
    if (v >= 1000) return +(v / 1000).toPrecision(3) + ' s';
    return +v.toPrecision(3) + ' ms';
  }
  function fmtRate(v) { return v == null ? '-' : +v.toPrecision(4) + '/s'; }

  // Outage windows shaded and fall-behind markers drawn under/over the series.
  function timelineHooks(fell) {
    return {
      drawClear: [function (u) {
        var ctx = u.ctx, top = u.bbox.top, h = u.bbox.height;
        ctx.save();
        ctx.fillStyle = 'rgba(120,120,120,0.18)';
        data.outages.forEach(function (o) {
          var x0 = u.valToPos(o.startS, 'x', true), x1 = u.valToPos(o.endS, 'x', true);
          ctx.fillRect(x0, top, Math.max(1, x1 - x0), h);
        });
        ctx.restore();
      }],
      draw: [function (u) {
        if (!fell) return;
        var ctx = u.ctx, top = u.bbox.top, h = u.bbox.height;
        function mark(s, colour, label) {
          var x = u.valToPos(s, 'x', true);
          ctx.save();
          ctx.strokeStyle = colour; ctx.lineWidth = 2 * devicePixelRatio;
          ctx.setLineDash([6 * devicePixelRatio, 4 * devicePixelRatio]);
          ctx.beginPath(); ctx.moveTo(x, top); ctx.lineTo(x, top + h); ctx.stroke();
          ctx.fillStyle = colour; ctx.font = (12 * devicePixelRatio) + 'px sans-serif';
          ctx.fillText(label, x + 4 * devicePixelRatio, top + 14 * devicePixelRatio);
          ctx.restore();
        }
        mark(fell.atS, '#d62728', 'fell behind');
        if (fell.recoveredAtS != null) mark(fell.recoveredAtS, '#2ca02c', 'recovered');
      }]
    };
  }

  function stepChart(step, el) {
    var opts = {
      title: step.name + ': latency vs offered and achieved rate',
      width: width(el), height: 300,
      scales: { x: { time: false }, ms: { distr: 3 }, rate: { range: function (u, min, max) { return [0, Math.max(1, max) * 1.1]; } } },
      axes: [
        { label: 's from start' },
        { scale: 'ms', label: 'latency', values: function (u, vals) { return vals.map(fmtMs); }, size: 70 },
        { scale: 'rate', side: 1, label: 'requests/s', grid: { show: false }, size: 60 }
      ],
      series: [
        { label: 't (s)' },
        { label: 'p50', scale: 'ms', stroke: '#1f77b4', width: 1.5, value: function (u, v) { return fmtMs(v); } },
        { label: 'p99', scale: 'ms', stroke: '#d62728', width: 2, value: function (u, v) { return fmtMs(v); } },
        { label: 'max', scale: 'ms', stroke: '#ff9896', width: 1, value: function (u, v) { return fmtMs(v); } },
        { label: 'offered/s', scale: 'rate', stroke: '#555', width: 1.5, dash: [5, 4], value: function (u, v) { return fmtRate(v); } },
        { label: 'achieved (ok)/s', scale: 'rate', stroke: '#2ca02c', width: 1.5, value: function (u, v) { return fmtRate(v); } }
      ],
      hooks: timelineHooks(step.fell)
    };
    new uPlot(opts, [data.t, step.p50, step.p99, step.max, step.offeredPerS, step.achievedPerS], el);
    drawn++;
  }

  var PCT_LABELS = { 1: '0%', 10: '90%', 100: '99%', 1000: '99.9%', 10000: '99.99%', 100000: '99.999%' };
  function distributionChart(el) {
    var series = [{ label: 'percentile', value: function (u, v) { return v == null ? '-' : +(100 * (1 - 1 / v)).toPrecision(6) + '%'; } }];
    var cols = [data.distribution.x];
    data.distribution.steps.forEach(function (s, i) {
      series.push({ label: s.name, stroke: PALETTE[i % PALETTE.length], width: 2, points: { show: false }, value: function (u, v) { return fmtMs(v); } });
      cols.push(s.latency);
    });
    new uPlot({
      title: 'Latency by percentile (whole run)',
      width: width(el), height: 320,
      scales: { x: { time: false, distr: 3, log: 10 }, y: { distr: 3 } },
      axes: [
        { label: 'percentile', splits: function () { return [1, 10, 100, 1000, 10000, 100000]; },
          values: function (u, vals) { return vals.map(function (v) { return PCT_LABELS[Math.round(v)] || ''; }); } },
        { label: 'latency', values: function (u, vals) { return vals.map(fmtMs); }, size: 70 }
      ],
      series: series
    }, cols, el);
    drawn++;
  }

  function outcomeChart(el) {
    var series = [{ label: 't (s)' }];
    var cols = [data.t];
    data.outcomes.forEach(function (o, i) {
      series.push({ label: o.name, stroke: CLASS_COLOURS[o.name] || PALETTE[i % PALETTE.length], width: 1.5,
        value: function (u, v) { return fmtRate(v); } });
      cols.push(o.perS);
    });
    new uPlot({
      title: 'Outcomes per second (all steps)',
      width: width(el), height: 260,
      scales: { x: { time: false } },
      axes: [{ label: 's from start' }, { label: 'responses/s', size: 60 }],
      series: series,
      hooks: timelineHooks(null)
    }, cols, el);
    drawn++;
  }

  function metricsChart(el) {
    var series = [{ label: 't (s)' }];
    var cols = [data.metrics.t];
    data.metrics.series.forEach(function (m, i) {
      series.push({ label: m.name, stroke: PALETTE[i % PALETTE.length], width: 1.5 });
      cols.push(m.values);
    });
    new uPlot({
      title: 'Target queue depths and gauges (from its metrics endpoint)',
      width: width(el), height: 260,
      scales: { x: { time: false } },
      axes: [{ label: 's from start' }, { label: 'value', size: 60 }],
      series: series,
      hooks: timelineHooks(null)
    }, cols, el);
    drawn++;
  }

  function backlogChart(el) {
    var series = [{ label: 't (s)' }];
    var cols = [data.t];
    data.backlog.series.forEach(function (b, i) {
      series.push({ label: b.name, stroke: PALETTE[i % PALETTE.length], width: 1.5 });
      cols.push(b.values);
    });
    new uPlot({
      title: data.backlog.source === 'gauges'
        ? 'Backlog: requests at the target, queued in the client, sessions in backoff (end of each interval)'
        : 'Backlog: cumulative estimate, offered minus answered (this run has no gauges)',
      width: width(el), height: 260,
      scales: { x: { time: false } },
      axes: [{ label: 's from start' }, { label: 'requests', size: 60 }],
      series: series,
      hooks: timelineHooks(null)
    }, cols, el);
    drawn++;
  }

  function userWaitChart(el) {
    var series = [{ label: 't (s)' }];
    var cols = [data.t];
    data.steps.forEach(function (s, i) {
      if (!s.userWaitP99.some(function (v) { return v != null; })) return;
      series.push({ label: s.name + ' p99', stroke: PALETTE[i % PALETTE.length], width: 2, value: function (u, v) { return fmtMs(v); } });
      cols.push(s.userWaitP99);
      series.push({ label: s.name + ' p50', stroke: PALETTE[i % PALETTE.length], width: 1, dash: [4, 3], value: function (u, v) { return fmtMs(v); } });
      cols.push(s.userWaitP50);
    });
    new uPlot({
      title: 'User wait per step: first attempt to final outcome, across retries',
      width: width(el), height: 280,
      scales: { x: { time: false }, y: { distr: 3 } },
      axes: [{ label: 's from start' }, { label: 'user wait', values: function (u, vals) { return vals.map(fmtMs); }, size: 70 }],
      series: series,
      hooks: timelineHooks(null)
    }, cols, el);
    drawn++;
  }

  var timelines = document.getElementById('timelines');
  data.steps.forEach(function (s) {
    var el = document.createElement('div');
    el.className = 'chart';
    el.setAttribute('data-chart', 'step:' + s.name);
    timelines.appendChild(el);
    stepChart(s, el);
  });
  if (data.distribution.steps.length > 0) distributionChart(document.getElementById('distribution'));
  if (data.outcomes.length > 0) outcomeChart(document.getElementById('outcomes'));
  if (data.metrics) metricsChart(document.getElementById('metrics'));
  if (data.backlog.series.length > 0) backlogChart(document.getElementById('backlog'));
  if (data.steps.some(function (s) { return s.userWaitP99.some(function (v) { return v != null; }); }))
    userWaitChart(document.getElementById('user-wait'));
  document.body.setAttribute('data-charts', String(drawn));
})();
`;
