// perfgate HTML report: draws one run from the results document embedded in #perfgate-data
// (docs/results-format.md; `derived` holds what the formatter pre-computed: the percentile
// spectrum from histograms, and the monitor's charts on the run's time axis).
//
// Safety: plan names, URLs, check names and server messages are data from users and servers, so
// every value reaches the page through textContent (el() below), never through innerHTML.
// Robustness: any section whose data is missing says so instead of throwing, so a results file
// from an older perfgate still renders. window.perfgateCharts lists the uPlot instances and
// window.perfgateReady turns true at the end; the browser test reads both.
(function () {
  'use strict';

  const doc = JSON.parse(document.getElementById('perfgate-data').textContent);
  const results = doc.results || {};
  const derived = doc.derived || {};
  const run = results.run || {};
  const workload = run.workload || {};
  const trends = results.trends || {};
  const series = results.series || {points: []};
  const points = series.points || [];
  const intervalS = series.interval_s || 1;
  const monitor = results.monitor;  // `perfgate run --monitor`: docs/monitoring.md
  const monitorCharts = derived.monitor || {};
  const charts = [];
  window.perfgateCharts = charts;

  const colors = {
    blue: '#2f5fb3', green: '#1d8a4a', orange: '#d9822b', red: '#c62f2f', purple: '#7b4bb7',
    grey: '#8a93a6', teal: '#1b8a8a',
  };

  // ---- DOM helpers ---------------------------------------------------------------------------
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === 'class') node.className = v; else node.setAttribute(k, v);
    }
    for (const child of children.flat()) {
      if (child === null || child === undefined) continue;
      node.appendChild(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  function section(id, title, note) {
    const s = el('section', {id: id}, el('h2', null, title));
    if (note) s.appendChild(el('p', {class: 'note'}, note));
    document.getElementById('main').appendChild(s);
    return s;
  }

  function table(headers, rows) {
    if (!rows.length) return el('p', {class: 'empty'}, 'none');
    return el('table', null,
              el('thead', null, el('tr', null, headers.map((h) => el('th', null, h)))),
              el('tbody', null, rows.map((r) => el('tr', null, r.map(cell)))));
  }

  // A cell is a string/number, or {text, cls} for a styled one.
  function cell(c) {
    if (c !== null && typeof c === 'object') return el('td', {class: c.cls}, c.text);
    return el('td', null, c === undefined || c === null ? '–' : c);
  }

  // ---- number formatting ----------------------------------------------------------------------
  function fmtUs(us) {
    if (us === undefined || us === null || Number.isNaN(us)) return '–';
    if (us < 1000) return `${Math.round(us)} µs`;
    if (us < 1e6) return `${(us / 1000).toPrecision(3)} ms`;
    return `${(us / 1e6).toPrecision(3)} s`;
  }
  function fmtNum(n, digits) {
    if (n === undefined || n === null || Number.isNaN(n)) return '–';
    return Number(n).toLocaleString('en-US', {maximumFractionDigits: digits === undefined ? 2 : digits});
  }
  function fmtPct(fraction) {
    return fraction === undefined || fraction === null ? '–' : `${(fraction * 100).toFixed(2)} %`;
  }
  function fmtBytes(b) {
    if (b === undefined || b === null) return '–';
    const units = ['B', 'kB', 'MB', 'GB', 'TB'];
    let i = 0;
    while (b >= 1000 && i < units.length - 1) { b /= 1000; i++; }
    return `${i ? b.toFixed(1) : b} ${units[i]}`;
  }
  // The percentile that a 1/(1-p) position stands for: 10 -> "90%", 1000 -> "99.9%".
  function percentileLabel(x) {
    const p = 100 * (1 - 1 / x);
    return `${p >= 99 ? String(+p.toFixed(4)) : String(+p.toFixed(1))}%`;
  }

  // ---- charts ---------------------------------------------------------------------------------
  function chartWidth(container) {
    return Math.max(320, (container.clientWidth || 900) - 8);
  }

  function addChart(container, name, opts, data, height) {
    const holder = el('div', {class: 'chart', 'data-chart': name});
    container.appendChild(holder);
    const u = new uPlot(Object.assign({width: chartWidth(container), height: height || 260}, opts), data, holder);
    charts.push({name: name, uplot: u});
    return u;
  }

  const xElapsed = {label: 'elapsed (s)', values: (u, ticks) => ticks.map((t) => (t === null ? null : `${+t.toFixed(3)}s`))};
  // Charts over run time share one cursor and, when the run was monitored, one x range (load
  // intervals and monitor samples), so the same second sits at the same place in each.
  function timeScale() {
    const x = {time: false};
    if (Array.isArray(monitorCharts.x_range)) x.range = monitorCharts.x_range.slice();
    return x;
  }
  const timeCursor = () => ({sync: {key: 'perfgate-time'}});
  // Latency axes hold milliseconds; ticks read "850 µs", "12 ms" or "4.5 s" as the range needs.
  // Log axes hand over the ticks they leave unlabelled as null.
  const msAxis = (label) => ({label: label, size: 70, values: (u, t) => t.map((v) => (v === null ? null : fmtAxisMs(v)))});
  // Legends show rounded values: the x series as seconds, each y series in its own unit.
  const xSeries = () => ({label: 'elapsed', value: (u, v) => (v === null || v === undefined ? '–' : `${fmtNum(v, 1)} s`)});
  const rounded = (digits, unit) => (u, v) => (v === null || v === undefined ? '–' : `${fmtNum(v, digits)}${unit || ''}`);
  const msValue = (u, v) => (v === null || v === undefined ? '–' : fmtUs(v * 1000));
  function fmtAxisMs(ms) {
    if (ms === 0) return '0';
    if (Math.abs(ms) < 1) return `${+(ms * 1000).toPrecision(3)} µs`;
    if (Math.abs(ms) < 1000) return `${+ms.toPrecision(3)} ms`;
    return `${+(ms / 1000).toPrecision(3)} s`;
  }

  function column(key, scale) {
    return points.map((p) => (p[key] === undefined || p[key] === null ? null : p[key] * (scale || 1)));
  }

  // Per second: a count divided by the length of its own interval, so the last, partial second of
  // a run reads as the rate it had rather than as a drop towards zero.
  const lengths = points.map((p, i) => {
    const start = i === 0 ? Math.max(0, (p.t || 0) - intervalS) : points[i - 1].t;
    const len = (p.t || 0) - start;
    return len > 0.05 ? len : intervalS;
  });
  function perSecond(key) {
    return points.map((p, i) => (p[key] === undefined || p[key] === null ? null : p[key] / lengths[i]));
  }

  // ---- sections -------------------------------------------------------------------------------
  function renderHeader() {
    const verdict = results.verdict || {};
    const header = document.getElementById('header');
    const badge = run.interrupted ? ['INTERRUPTED', 'interrupted']
                  : verdict.passed === false ? ['FAILED', 'fail'] : ['PASSED', 'pass'];
    header.appendChild(el('h1', null, 'perfgate report',
                          el('span', {class: `verdict ${badge[1]}`, id: 'verdict'}, badge[0])));
    header.appendChild(el('div', {class: 'target'}, run.plan || workload.target || ''));
    document.title = `perfgate — ${workload.target || run.plan || 'report'}`;
    const entries = [
      ['workload', workloadText()],
      ['duration', `${fmtNum(run.elapsed_s, 1)} s of ${fmtNum(workload.duration_s, 1)} s`],
      ['threads', workload.threads],
      ['started', run.start], ['host', run.host], ['CPU', run.cpu ? `${run.cpu} (${run.cores || '?'} cores)` : null],
      ['perfgate', run.perfgate_version], ['git commit', run.git_commit],
      ['tags', Object.entries(run.tags || {}).map(([k, v]) => `${k}=${v}`).join(' ')],
    ];
    const dl = el('dl', {class: 'config'});
    for (const [k, v] of entries) {
      if (v === undefined || v === null || v === '') continue;
      dl.appendChild(el('div', null, el('dt', null, k), el('dd', null, v)));
    }
    header.appendChild(dl);
    if (run.command) header.appendChild(el('div', {class: 'command'}, `$ ${run.command}`));
    (verdict.reasons || []).forEach((r) => header.appendChild(el('div', {class: 'command'}, r)));
  }

  // A one-liner is one model at one rate or VU count; a plan's scenarios may mix executors, so it
  // is described by what it reached (its scenarios are in the plan file).
  function workloadText() {
    const achieved = ((results.counters || {}).http_reqs || {}).rate;
    if (run.plan) {
      const vus = workload.max_vus || workload.vus;
      return `plan: ${vus ? `up to ${fmtNum(vus, 0)} VUs, ` : ''}${fmtNum(achieved, 1)} req/s achieved`;
    }
    if (workload.model === 'open') {
      return `open model, ${fmtNum(workload.rate_per_s)}/s, max ${fmtNum(workload.max_vus)} VUs`;
    }
    return `${workload.model || '?'} model, ${fmtNum(workload.vus)} VUs`;
  }

  function renderWarnings() {
    const warnings = (results.health || {}).warnings || [];
    if (!warnings.length) return;
    const s = section('warnings', 'Warnings: these results may not be trustworthy');
    s.classList.add('warnings');
    s.appendChild(el('ul', null, warnings.map((w) => el('li', null, w))));
  }

  function renderSummary() {
    const s = section('summary', 'Summary');
    const counters = results.counters || {};
    const failed = (results.rates || {}).http_req_failed || {};
    const d = trends.http_req_duration || {};
    const tile = (label, value) => el('div', {class: 'tile'}, el('div', {class: 'label'}, label),
                                      el('div', {class: 'value'}, value));
    s.appendChild(el('div', {class: 'tiles'}, [
      tile('requests', fmtNum((counters.http_reqs || {}).count, 0)),
      tile('requests/s', fmtNum((counters.http_reqs || {}).rate, 1)),
      tile('failed', fmtPct(failed.value)),
      tile('p50', fmtUs(d.p50)), tile('p95', fmtUs(d.p95)), tile('p99', fmtUs(d.p99)),
      tile('max', fmtUs(d.max)),
      tile('dropped iterations', fmtNum((counters.dropped_iterations || {}).count, 0)),
      tile('data received', fmtBytes((counters.data_received || {}).count)),
      tile('data sent', fmtBytes((counters.data_sent || {}).count)),
      tile('generator CPU', (results.health || {}).cpu_percent === undefined ? '–'
                            : `${fmtNum(results.health.cpu_percent, 1)} %`),
    ]));
  }

  function renderThroughput() {
    const open = workload.model === 'open';
    const s = section('throughput', 'Requests per second: offered vs achieved',
                      open ? 'Offered: iterations the open model scheduled; achieved: responses received.'
                           : 'Closed model: the load is whatever the VUs achieve, so offered is not shown.');
    const x = column('t');
    const achieved = perSecond('requests');
    const ko = perSecond('errors');
    const ok = achieved.map((a, i) => (a === null ? null : a - (ko[i] || 0)));
    const data = [x, achieved, ok, ko];
    const ser = [xSeries(), {label: 'achieved req/s', stroke: colors.blue, width: 2, value: rounded(1)},
                 {label: 'OK req/s', stroke: colors.green, width: 1, value: rounded(1)},
                 {label: 'KO req/s', stroke: colors.red, width: 1, value: rounded(1)}];
    if (open) {
      const offered = points.some((p) => p.offered !== undefined) ? perSecond('offered')
                                                                  : x.map(() => workload.rate_per_s || null);
      data.push(offered);
      ser.push({label: 'offered req/s', stroke: colors.grey, width: 2, dash: [6, 4], value: rounded(1)});
    }
    addChart(s, 'throughput', {series: ser, scales: {x: timeScale()}, cursor: timeCursor(),
                               axes: [xElapsed, {label: 'req/s', size: 64}]}, data);
  }

  function renderLatencyOverTime() {
    const s = section('latency-over-time', 'Latency percentiles over time, with errors',
                      trendNote('http_req_duration'));
    const data = [column('t'), column('p50_us', 1e-3), column('p90_us', 1e-3), column('p99_us', 1e-3),
                  column('max_us', 1e-3), perSecond('errors')];
    const ser = [xSeries(),
                 {label: 'p50', stroke: colors.green, width: 2, scale: 'ms', value: msValue},
                 {label: 'p90', stroke: colors.blue, width: 2, scale: 'ms', value: msValue},
                 {label: 'p99', stroke: colors.orange, width: 2, scale: 'ms', value: msValue},
                 {label: 'max', stroke: colors.purple, width: 1, scale: 'ms', value: msValue},
                 {label: 'errors/s', stroke: colors.red, fill: 'rgba(198,47,47,0.12)', width: 1, scale: 'err', value: rounded(1)}];
    const errAxis = {scale: 'err', side: 1, label: 'errors/s', grid: {show: false}, size: 56};
    addChart(s, 'latency', {series: ser, cursor: timeCursor(),
                            scales: {x: timeScale(), err: {range: (u, lo, hi) => [0, Math.max(1, hi)]}},
                            axes: [xElapsed, Object.assign(msAxis('latency'), {scale: 'ms'}), errAxis]}, data);
  }

  function trendNote(name) {
    if (workload.model === 'open' && name === 'http_req_duration') {
      return 'Open model: latency counts from each request\'s scheduled start (corrected for coordinated omission).';
    }
    return null;
  }

  function renderSpectrum() {
    const spectrum = derived.spectrum || {};
    const names = Object.keys(spectrum.series || {});
    const s = section('spectrum', 'Latency percentile spectrum',
                      'Horizontal axis: percentile on a log 1/(1−p) scale. Corrected latency counts from the scheduled ' +
                      'start, uncorrected from the actual send; in the closed model they are the same.');
    if (!names.length || !(spectrum.x || []).length) { s.appendChild(el('p', {class: 'empty'}, 'no latency recorded')); return; }
    const label = {http_req_duration: 'corrected (http_req_duration)',
                   http_req_duration_uncorrected: 'uncorrected (http_req_duration_uncorrected)'};
    const palette = [colors.blue, colors.orange, colors.green, colors.purple];
    const ser = [{value: (u, v) => (v === null ? '–' : percentileLabel(v))}].concat(names.map((n, i) => ({
      label: label[n] || n, stroke: palette[i % palette.length], width: 2,
      value: (u, v) => (v === null ? '–' : `${v.toFixed(3)} ms`),
    })));
    const data = [spectrum.x].concat(names.map((n) => spectrum.series[n].map((v) => (v === null ? null : v / 1000))));
    // Label the decades only (0%, 90%, 99%, ...): the log axis also splits at 2x..9x.
    const decade = (t) => Math.abs(Math.log10(t) - Math.round(Math.log10(t))) < 1e-9;
    const xAxis = {label: 'percentile', values: (u, ticks) => ticks.map((t) => (decade(t) ? percentileLabel(t) : ''))};
    addChart(s, 'spectrum', {series: ser, scales: {x: {time: false, distr: 3}},
                             axes: [xAxis, msAxis('latency')]}, data);
  }

  // Response-time distribution: the share of requests in each of ~30 log-spaced latency bins,
  // read off the percentile spectrum (its CDF, linear between its points).
  function renderDistribution() {
    const spectrum = derived.spectrum || {};
    const values = ((spectrum.series || {}).http_req_duration || []);
    const xs = spectrum.x || [];
    const cdf = [];
    xs.forEach((x, i) => { if (values[i] !== null && values[i] !== undefined) cdf.push([values[i] / 1000, 1 - 1 / x]); });
    const s = section('distribution', 'Response-time distribution',
                      'Share of requests (http_req_duration) per latency bin, bins equal on a log scale.');
    if (cdf.length < 2 || cdf[cdf.length - 1][0] <= cdf[0][0]) {
      s.appendChild(el('p', {class: 'empty'}, 'no latency recorded'));
      return;
    }
    const at = (v) => {  // P(latency <= v)
      if (v <= cdf[0][0]) return cdf[0][1];
      for (let i = 1; i < cdf.length; i++) {
        if (v <= cdf[i][0]) {
          const [v0, p0] = cdf[i - 1], [v1, p1] = cdf[i];
          return v1 === v0 ? p1 : p0 + (p1 - p0) * (v - v0) / (v1 - v0);
        }
      }
      return 1;
    };
    const lo = Math.max(cdf[0][0], 1e-3), hi = cdf[cdf.length - 1][0] * 1.0001;
    const bins = 30, step = Math.log(hi / lo) / bins;
    const mids = [], shares = [];
    for (let k = 0; k < bins; k++) {
      const a = lo * Math.exp(step * k), b = lo * Math.exp(step * (k + 1));
      mids.push(Math.sqrt(a * b));
      shares.push(100 * Math.max(0, at(b) - (k === 0 ? 0 : at(a))));
    }
    addChart(s, 'distribution', {
      series: [{value: (u, v) => (v === null || v === undefined ? '–' : fmtAxisMs(v))},
               {label: '% of requests', stroke: colors.blue, fill: 'rgba(47,95,179,0.45)', points: {show: false},
                paths: uPlot.paths.bars({size: [0.9, 40]}), value: (u, v) => (v === null ? '–' : `${v.toFixed(2)} %`)}],
      scales: {x: {time: false, distr: 3}, y: {range: (u, l, h) => [0, h > 0 ? h * 1.1 : 1]}},
      axes: [Object.assign(msAxis('latency'), {size: 40}), {label: '% of requests', size: 56}],
    }, [mids, shares], 220);
  }

  const kPhases = ['http_req_blocked', 'http_req_connecting', 'http_req_sending', 'http_req_waiting',
                   'http_req_receiving'];

  function renderPhases() {
    const s = section('phases', 'Request phases',
                      'blocked: waiting for a free connection or VU; connecting: TCP connect; sending: writing ' +
                      'the request; waiting: time to first byte; receiving: reading the response.');
    const present = kPhases.filter((n) => trends[n] && trends[n].count);
    if (!present.length) { s.appendChild(el('p', {class: 'empty'}, 'no phase timings recorded')); return; }
    const x = present.map((n, i) => i);
    const bars = (align) => uPlot.paths.bars({size: [0.35, 80], align: align});
    addChart(s, 'phases', {
      series: [{value: (u, v) => phaseName(present[v])},
               {label: 'mean', stroke: colors.blue, fill: 'rgba(47,95,179,0.55)', paths: bars(-1), points: {show: false},
                value: (u, v) => fmtUs(v === null ? null : v * 1000)},
               {label: 'p95', stroke: colors.orange, fill: 'rgba(217,130,43,0.55)', paths: bars(1), points: {show: false},
                value: (u, v) => fmtUs(v === null ? null : v * 1000)}],
      scales: {x: {time: false, range: [-0.6, present.length - 0.4]}, y: {range: (u, lo, hi) => [0, hi > 0 ? hi * 1.1 : 1]}},
      axes: [{splits: () => x, values: (u, ticks) => ticks.map((t) => phaseName(present[t]) || '')}, msAxis('time')],
    }, [x, present.map((n) => trends[n].mean / 1000), present.map((n) => trends[n].p95 / 1000)]);
    s.appendChild(table(['phase', 'avg', 'p50', 'p90', 'p95', 'p99', 'max'],
                        present.map((n) => [phaseName(n), ...['mean', 'p50', 'p90', 'p95', 'p99', 'max'].map((k) => fmtUs(trends[n][k]))])));
  }

  function phaseName(trend) { return trend ? trend.replace('http_req_', '') : ''; }

  // All VUs, and with several scenarios one line per scenario (series.scenarios, each point's
  // scenario_vus), so a ramp of one scenario is told apart from another's.
  function renderVus() {
    const scenarios = Array.isArray(series.scenarios) ? series.scenarios : [];
    const perScenario = scenarios.length > 1 && points.some((p) => Array.isArray(p.scenario_vus));
    const s = section('vus', 'Active virtual users', perScenario ? 'VUs busy in an iteration, in all and per scenario.' : null);
    const data = [column('t'), column('vus')];
    const ser = [xSeries(), {label: perScenario ? 'all VUs' : 'active VUs', stroke: colors.teal, fill: 'rgba(27,138,138,0.12)', width: 2,
                           value: rounded(0)}];
    if (perScenario) {
      const lines = [colors.blue, colors.orange, colors.purple, colors.green, colors.red, colors.grey];
      scenarios.forEach((name, k) => {
        data.push(points.map((p) => (Array.isArray(p.scenario_vus) && p.scenario_vus[k] !== undefined ? p.scenario_vus[k] : null)));
        ser.push({label: `scenario ${name}`, stroke: lines[k % lines.length], width: 1.5, value: rounded(0)});
      });
    }
    addChart(s, 'vus', {series: ser,
                        scales: {x: timeScale(), y: {range: (u, lo, hi) => [0, Math.max(1, hi * 1.1)]}},
                        cursor: timeCursor(), axes: [xElapsed, {label: 'VUs', size: 56}]}, data);
  }

  // ---- per-name latency and errors by class over time ------------------------------------------
  const nameSeries = results.name_series || {};
  const nameColors = ['#2f5fb3', '#d9822b', '#1d8a4a', '#7b4bb7', '#c62f2f', '#1b8a8a', '#b7791f',
                      '#5d6678', '#e377c2', '#17becf', '#8c564b', '#bcbd22', '#393b79', '#637939',
                      '#843c39', '#7b4173', '#3182bd', '#e6550d', '#31a354', '#756bb1', '#969696'];

  // One chart of every name's p50, p95 or p99 (a choice above it) per interval; a name without
  // requests in an interval has a gap there.
  function renderNameLatency() {
    const names = (nameSeries.names || []).filter((n) => Array.isArray(n.points) && n.points.length);
    if (!names.length) return;
    const interval = nameSeries.interval_s || 1;
    const s = section('name-latency', 'Latency by request name over time',
                      `http_req_duration per request name, ${interval > 1 ? `per ${interval} s interval` : 'per second'}` +
                      (names.some((n) => n.name === 'other') ? '; "other" folds the less busy names (its percentiles are the highest of theirs)' : '') + '.');
    const times = [...new Set(names.flatMap((n) => n.points.map((p) => p[0])))].sort((a, b) => a - b);
    const at = new Map(times.map((t, i) => [t, i]));
    const columnOf = (n, c) => {
      const values = times.map(() => null);
      for (const p of n.points) values[at.get(p[0])] = p[c] / 1000;
      return values;
    };
    const which = {p50: 3, p95: 4, p99: 5};
    const dataFor = (pct) => [times].concat(names.map((n) => columnOf(n, which[pct])));
    const select = el('select', {id: 'name-percentile', 'aria-label': 'percentile'},
                      Object.keys(which).map((k) => el('option', {value: k}, k)));
    select.value = 'p95';
    s.appendChild(el('label', {class: 'picker'}, 'percentile ', select));
    const ser = [xSeries()].concat(names.map((n, i) => ({label: n.name, stroke: nameColors[i % nameColors.length], width: 1.5,
                                                        value: msValue})));
    const u = addChart(s, 'name-latency', {series: ser, cursor: timeCursor(), scales: {x: timeScale()},
                                           axes: [xElapsed, msAxis('latency')]}, dataFor('p95'), 300);
    select.addEventListener('change', () => u.setData(dataFor(select.value)));
    const total = (n, c) => n.points.reduce((a, p) => a + p[c], 0);
    s.appendChild(named(table(['name', 'requests', 'failed', 'worst p95', 'worst p99'], names.map((n) => [
      n.name, fmtNum(total(n, 1), 0), fmtNum(total(n, 2), 0),
      fmtUs(Math.max(...n.points.map((p) => p[4]))), fmtUs(Math.max(...n.points.map((p) => p[5])))])), 'name-latency'));
  }

  // Failed requests per second by class, stacked: bars drawn tallest (the sum) first, so each
  // class shows as its own band.
  function renderErrorsOverTime() {
    const classes = [];
    for (const p of points) for (const k of Object.keys(p.error_classes || {})) if (!classes.includes(k)) classes.push(k);
    if (!classes.length) return;
    const totals = Object.fromEntries(classes.map((k) => [k, points.reduce((a, p) => a + ((p.error_classes || {})[k] || 0), 0)]));
    classes.sort((a, b) => totals[b] - totals[a]);
    const s = section('errors-over-time', 'Errors over time by class', 'Failed requests per second, stacked by error class.');
    const rate = (p, i, k) => ((p.error_classes || {})[k] || 0) / lengths[i];
    const stacked = classes.map((k, c) => points.map((p, i) => classes.slice(0, c + 1).reduce((a, j) => a + rate(p, i, j), 0)));
    const order = classes.map((k, c) => c).reverse();
    const errColors = {http_5xx: colors.red, http_4xx: colors.orange, request_timeout: colors.purple,
                       connect_refused: colors.grey, reset: colors.teal};
    const spare = [colors.blue, colors.green, '#b7791f', '#e377c2', '#17becf', '#8c564b'];
    const colorOf = (k, c) => errColors[k] || spare[c % spare.length];
    const ser = [xSeries()].concat(order.map((c) => ({
      label: classes[c], stroke: colorOf(classes[c], c), fill: colorOf(classes[c], c), width: 1,
      paths: uPlot.paths.bars({size: [0.9, 40]}), points: {show: false},
      value: (u, v, si, i) => (i === null || i === undefined ? '–' : `${fmtNum(rate(points[i], i, classes[c]), 1)}/s`),
    })));
    // Half an interval of room at both ends, so the first and last bars are whole.
    const x = timeScale();
    if (!x.range) x.range = (u, lo, hi) => [lo - intervalS / 2, hi + intervalS / 2];
    addChart(s, 'errors-over-time', {
      series: ser, cursor: timeCursor(),
      scales: {x: x, y: {range: (u, lo, hi) => [0, Math.max(1, hi * 1.1)]}},
      axes: [xElapsed, {label: 'errors/s', size: 56}],
    }, [column('t')].concat(order.map((c) => stacked[c])), 220);
  }

  // ---- capacity, stress and scalability (docs/capacity.md) ------------------------------------
  // Drawn only when the results file came from `perfgate capacity`, `stress` or `scale`.
  const pointsOnly = (stroke, fill) => ({stroke: stroke, fill: fill, width: 0, paths: () => null,
                                         points: {show: true, size: 9, stroke: stroke, fill: fill}});

  function sortedBy(items, key) {
    return items.slice().sort((a, b) => (a[key] || 0) - (b[key] || 0));
  }

  function trialRows(trials, verdict) {
    return trials.map((t) => [t.vus ? `${t.vus} VUs` : `${fmtNum(t.offered_rate, 1)}/s`,
                              `${fmtNum(t.achieved_rate, 1)}/s`, `${fmtNum(t.p50_ms, 2)} ms`,
                              `${fmtNum(t.p95_ms, 2)} ms`, `${fmtNum(t.p99_ms, 2)} ms`,
                              fmtPct(t.error_rate), {text: verdict(t), cls: 'text'}]);
  }

  function findingsList(s, findings) {
    if (findings && findings.length) s.appendChild(el('ul', null, findings.map((f) => el('li', null, f))));
  }

  // The hockey stick: p95 over achieved throughput, one point per trial, passing and failing apart.
  function renderCapacity() {
    const c = results.capacity;
    if (!c || typeof c !== 'object') return;
    const s = section('capacity', 'Capacity: latency vs throughput',
                      `Every trial of the search (SLOs: ${(c.slos || []).join(', ')}), judged on its steady part.`);
    const tile = (label, value) => el('div', {class: 'tile'}, el('div', {class: 'label'}, label),
                                      el('div', {class: 'value'}, value));
    const bracket = c.bracket || {};
    s.appendChild(el('div', {class: 'tiles'}, [
      tile('sustainable rate', `${fmtNum(c.sustainable_rate, 1)}/s`),
      tile('highest passing', bracket.highest_passing == null ? '–' : `${fmtNum(bracket.highest_passing, 1)}/s`),
      tile('lowest failing', bracket.lowest_failing == null ? '–' : `${fmtNum(bracket.lowest_failing, 1)}/s`),
      tile('limited by', c.limited_by || '–'),
      tile('first failed SLO', c.first_failed_slo || '–'),
    ]));
    const trials = sortedBy(c.trials || [], 'achieved_rate');
    const pick = (ok) => trials.map((t) => (t.passed === ok ? t.p95_ms : null));
    addChart(s, 'capacity-hockey-stick', {
      series: [{label: 'achieved req/s'}, Object.assign({label: 'p95 (pass)'}, pointsOnly(colors.green, colors.green)),
               Object.assign({label: 'p95 (fail)'}, pointsOnly(colors.red, colors.red))],
      axes: [{label: 'achieved requests/s'}, {label: 'p95 (ms)'}],
      scales: {x: {time: false}},
    }, [trials.map((t) => t.achieved_rate), pick(true), pick(false)]);
    const verdict = (t) => `${t.phase}: ${t.generator_limited ? 'generator-limited' : t.passed ? 'pass'
                                                                 : 'FAIL ' + (t.failed_slos || []).join(', ')}`;
    s.appendChild(named(table(['offered', 'achieved', 'p50', 'p95', 'p99', 'errors', 'verdict'],
                              trialRows(c.trials || [], verdict)), 'capacity-trials'));
    findingsList(s, c.findings);
  }

  function renderStress() {
    const st = results.stress;
    if (!st || typeof st !== 'object') return;
    const s = section('stress', 'Stress: breaking point and recovery', st.failure_detail || '');
    const steps = (st.trials || []).concat(st.recovery ? [Object.assign({recoveryWindow: true}, st.recovery)] : []);
    const verdict = (t) => (t.recoveryWindow ? 'recovery window' : t.broke ? `BROKE: ${t.broke}` : '');
    s.appendChild(named(table(['load', 'achieved', 'p50', 'p95', 'p99', 'errors', ''], trialRows(steps, verdict)),
                        'stress-steps'));
    findingsList(s, st.findings);
  }

  // Measured throughput per concurrency with the fitted USL curve over it.
  function renderScalability() {
    const sc = results.scalability;
    if (!sc || typeof sc !== 'object') return;
    const s = section('scalability', 'Scalability: Universal Scalability Law',
                      `Throughput per ${sc.unit === 'instances' ? 'instance count' : 'VU count'}, with the fitted curve.`);
    const pts = sortedBy(sc.points || [], 'n');
    const usl = sc.usl;
    if (pts.length) {
      const maxN = pts[pts.length - 1].n;
      const xs = [];
      for (let i = 0; i <= 60; i++) xs.push(1 + (maxN - 1) * i / 60);
      for (const p of pts) if (!xs.includes(p.n)) xs.push(p.n);
      xs.sort((a, b) => a - b);
      const fit = (n) => (usl ? usl.lambda.value * n / (1 + usl.sigma.value * (n - 1) + usl.kappa.value * n * (n - 1)) : null);
      const measured = xs.map((n) => { const p = pts.find((q) => q.n === n); return p ? p.throughput : null; });
      addChart(s, 'scalability-usl', {
        series: [{label: sc.unit}, Object.assign({label: 'measured req/s'}, pointsOnly(colors.blue, colors.blue)),
                 {label: 'USL fit', stroke: colors.orange, width: 2}],
        axes: [{label: sc.unit}, {label: 'requests/s'}],
        scales: {x: {time: false}},
      }, [xs, measured, xs.map(fit)]);
    }
    s.appendChild(named(table([sc.unit, 'throughput', 'p95', 'errors', 'efficiency'],
                              pts.map((p) => [fmtNum(p.n, 0), `${fmtNum(p.throughput, 1)}/s`,
                                              `${fmtNum(p.p95_ms, 2)} ms`, fmtPct(p.error_rate), fmtPct(p.efficiency)])),
                        'scalability-points'));
    findingsList(s, sc.findings);
  }

  // ---- system under test (the monitor) -------------------------------------------------------
  // Drawn only when the results have a `monitor` section; the charts come from derived.monitor
  // (src/report/html_report.h), the tables straight from the monitor's JSON.
  const palette = [colors.blue, colors.orange, colors.green, colors.purple, colors.red, colors.teal, colors.grey];

  function unitFormat(unit) {
    // Below 1 kB/s fmtBytes would print raw fractions; axis ticks of an idle disk are 0.2, 0.4, ...
    if (unit === 'bytes/s') return (v) => (v < 1000 ? `${fmtNum(v, 1)} B/s` : `${fmtBytes(v)}/s`);
    if (unit === 'MB') return (v) => `${fmtNum(v, 1)} MB`;
    if (unit.startsWith('%')) return (v) => `${fmtNum(v, 1)} %`;
    return (v) => fmtNum(v, 1);
  }

  function renderMonitorChart(s, x, chart) {
    const fmt = unitFormat(chart.unit || '');
    s.appendChild(el('h3', null, chart.unit ? `${chart.title} (${chart.unit})` : chart.title));
    const ser = [{label: 'elapsed', value: (u, v) => (v === null ? '–' : `${fmtNum(v, 1)} s`)}].concat(chart.series.map((m, i) => {
      const line = {label: m.label, stroke: palette[i % palette.length], width: 2,
                    value: (u, v) => (v === null || v === undefined ? '–' : fmt(v))};
      if (m.limit) Object.assign(line, {dash: [6, 4], width: 1.5});
      return line;
    }));
    const axis = {label: chart.unit || 'count', size: 78, values: (u, ticks) => ticks.map(fmt)};
    addChart(s, `monitor-${chart.id}`, {
      series: ser, cursor: timeCursor(),
      scales: {x: timeScale(), y: {range: (u, lo, hi) => [0, hi > 0 ? hi * 1.1 : 1]}},
      axes: [xElapsed, axis],
    }, [x].concat(chart.series.map((m) => m.values)), 200);
  }

  function named(node, name) {
    node.setAttribute('data-name', name);
    return node;
  }

  function renderFindings(s) {
    const severity = {critical: 'ko', warning: 'warn'};
    const evidence = (e) => Object.entries(e || {}).map(([k, v]) => `${k} ${fmtNum(v, 3)}`).join(', ');
    s.appendChild(el('h3', null, 'Findings'));
    s.appendChild(named(table(['severity', 'subject', 'finding', 'evidence', 'recommendation'],
                              (monitor.findings || []).map((f) => [
                                {text: f.severity, cls: severity[f.severity] || ''}, {text: f.subject, cls: 'text'},
                                {text: f.summary, cls: 'text'}, {text: evidence(f.evidence), cls: 'text'},
                                {text: f.recommendation, cls: 'text'}])), 'findings'));
  }

  function leakRow(t) {
    const l = t.leak || {};
    const bound = (v, inf) => (v === null || v === undefined ? inf : fmtNum(v, 2));
    const verdict = !l.analysed ? 'not analysed' : l.suspected ? 'leak suspected' : 'no leak';
    return [t.label || t.spec, l.memory_metric, l.analysed ? fmtNum(l.slope_mb_per_hour, 2) : '–',
            l.analysed ? `${bound(l.ci_low_mb_per_hour, '−∞')} … ${bound(l.ci_high_mb_per_hour, '+∞')}` : '–',
            fmtNum(l.points, 0), fmtNum(l.threshold_mb_per_hour, 2),
            {text: l.reason ? `${verdict}: ${l.reason}` : verdict, cls: l.suspected ? 'ko text' : 'text'}];
  }

  function renderLeaks(s) {
    s.appendChild(el('h3', null, 'Memory growth'));
    s.appendChild(named(table(['target', 'memory', 'slope (MB/hour)', '95% interval', 'points', 'threshold', 'verdict'],
                              (monitor.targets || []).map(leakRow)), 'leaks'));
  }

  function renderEvents(s) {
    const rows = [];
    for (const t of monitor.targets || []) {
      for (const e of t.events || []) {
        rows.push([`${fmtNum(e.t_s + (monitorCharts.offset_s || 0), 1)} s`, t.label || t.spec, e.kind, {text: e.detail, cls: 'text'}]);
      }
    }
    if (!rows.length) return;
    s.appendChild(el('h3', null, 'Target events'));
    s.appendChild(named(table(['time', 'target', 'event', 'detail'], rows), 'events'));
  }

  // k6-style metrics of the monitor: units follow the names (docs/monitoring.md).
  function metricFormat(name) {
    if (/_bytes_per_s/.test(name)) return unitFormat('bytes/s');
    if (/_bytes/.test(name)) return fmtBytes;
    if (/_percent/.test(name)) return unitFormat('%');
    return (v) => fmtNum(v, 2);
  }

  function renderMonitorStats(s) {
    const group = (n) => ['sut_', 'generator_', 'host_', 'monitor_'].findIndex((p) => n.startsWith(p));
    const names = Object.keys(monitor.metrics || {}).sort((a, b) => group(a) - group(b) || a.localeCompare(b));
    const rows = names.map((n) => {
      const m = monitor.metrics[n];
      const f = metricFormat(n);
      const opt = (v) => (v === undefined || v === null ? '–' : f(v));
      const value = m.count !== undefined ? `${fmtNum(m.count, 0)} (${fmtNum(m.rate, 2)}/s)` : opt(m.value);
      return [n, opt(m.avg), opt(m.min), opt(m.med), opt(m['p(95)']), opt(m.max), value];
    });
    const sampler = monitor.sampler || {};
    s.appendChild(el('h3', null, 'Summary statistics'));
    s.appendChild(el('p', {class: 'note'}, `sut_* sums the monitored targets at each sample; the monitor took ` +
                     `${fmtNum(sampler.samples, 0)} samples and used ${fmtNum(sampler.cpu_percent, 3)} % of one core.`));
    s.appendChild(named(table(['metric', 'avg', 'min', 'med', 'p95', 'max', 'value'], rows), 'monitor-metrics'));
  }

  function renderMonitor() {
    if (!monitor || typeof monitor !== 'object') return;
    const s = section('monitor', 'System under test',
                      `The monitored processes, sampled every ${fmtNum(monitor.interval_s, 2)} s, on the load charts' ` +
                      'time axis (hover one chart to see the same moment in all). CPU is in % of one core: 200% = ' +
                      'two cores busy.');
    const chartList = monitorCharts.charts || [];
    chartList.forEach((c) => renderMonitorChart(s, monitorCharts.x || [], c));
    if (!chartList.length) s.appendChild(el('p', {class: 'empty'}, 'no samples recorded'));
    renderFindings(s);
    renderLeaks(s);
    renderEvents(s);
    renderMonitorStats(s);
  }

  function renderNames() {
    const s = section('names', 'Requests by name',
                      (results.names || []).length ? null : 'Only plans name their requests; a one-liner run has one target (above).');
    const rows = (results.names || []).map((n) => {
      const d = n.duration || {};
      const failRate = n.requests ? n.failures / n.requests : 0;
      return [n.name, fmtNum(n.requests, 0), fmtNum(n.failures, 0),
              {text: fmtPct(failRate), cls: n.failures ? 'ko' : ''}, fmtUs(d.mean), fmtUs(d.p50), fmtUs(d.p90),
              fmtUs(d.p95), fmtUs(d.p99), fmtUs(d.max)];
    });
    s.appendChild(table(['name', 'requests', 'failed', 'failed %', 'avg', 'p50', 'p90', 'p95', 'p99', 'max'], rows));
  }

  function renderThresholdsAndChecks() {
    const s = section('thresholds', 'Thresholds and checks');
    const mark = (ok) => ({text: ok ? '✓' : '✗', cls: ok ? 'ok' : 'ko'});
    s.appendChild(el('h3', null, 'Thresholds'));
    s.appendChild(table(['metric', 'expression', 'observed', 'result'],
                        (results.thresholds || []).map((t) => [
                          t.metric, {text: t.expression, cls: 'text'}, observedText(t),
                          t.no_data ? {text: 'no data', cls: t.passed ? 'text' : 'ko'} : mark(t.passed)])));
    s.appendChild(el('h3', null, 'Checks'));
    const where = (c) => [c.group, c.step].filter((x) => x).join(' › ');
    s.appendChild(table(['check', 'where', 'passes', 'fails', 'result'],
                        (results.checks || []).map((c) => [c.name, where(c), fmtNum(c.passes, 0), fmtNum(c.fails, 0), mark(!c.fails)])));
  }

  // A plan's custom metrics and group_duration (results.plan_metrics), in k6's statistic names.
  function renderPlanMetrics() {
    const entries = Object.entries(results.plan_metrics || {});
    if (!entries.length) return;
    const s = section('plan-metrics', 'Custom metrics and groups');
    const order = ['count', 'rate', 'value', 'passes', 'fails', 'avg', 'min', 'med', 'max'];
    const rank = (k) => (order.indexOf(k) >= 0 ? order.indexOf(k) : order.length + parseFloat(k.slice(2)) / 1000 || 1e9);
    const value = (m, k, v) => {
      if (m.unit === 'ms' && k !== 'count') return fmtUs(v * 1000);
      if (m.type === 'counter' && k === 'rate') return `${fmtNum(v, 2)}/s`;
      return fmtNum(v, 4);
    };
    const rows = entries.map(([name, m]) => {
      const stats = Object.keys(m).filter((k) => typeof m[k] === 'number').sort((a, b) => rank(a) - rank(b));
      return [name, m.type || '', {text: stats.map((k) => `${k}=${value(m, k, m[k])}`).join(' '), cls: 'text'}];
    });
    s.appendChild(table(['metric', 'type', 'statistics'], rows));
  }

  function observedText(t) {
    if (t.no_data || t.observed === undefined || t.observed === null) return '–';
    return t.unit ? `${fmtNum(t.observed, 3)} ${t.unit}` : fmtNum(t.observed, 4);
  }

  function renderErrors() {
    const s = section('errors', 'Errors and statuses');
    const errors = Object.entries(results.errors || {}).sort((a, b) => b[1] - a[1]);
    const statuses = Object.entries(results.statuses || {}).sort((a, b) => a[0].localeCompare(b[0]));
    const total = ((results.counters || {}).http_reqs || {}).count || 0;
    const share = (n) => (total ? fmtPct(n / total) : '–');
    s.appendChild(el('div', {class: 'two'},
                     el('div', null, el('h3', null, 'Errors by class'),
                        table(['class', 'count', 'share of requests'], errors.map(([k, v]) => [k, fmtNum(v, 0), share(v)]))),
                     el('div', null, el('h3', null, 'Responses by status'),
                        table(['status', 'count', 'share of requests'],
                              statuses.map(([k, v]) => [{text: k === '0' ? 'no response' : k, cls: Number(k) >= 400 || k === '0' ? 'ko' : ''},
                                                   fmtNum(v, 0), share(v)])))));
  }

  function renderTrendsTable() {
    const s = section('trends', 'All trends');
    const rows = Object.entries(trends).filter(([, t]) => t && t.count).map(([n, t]) => [n, fmtNum(t.count, 0), fmtUs(t.min), fmtUs(t.mean), fmtUs(t.p50),
                                                         fmtUs(t.p90), fmtUs(t.p95), fmtUs(t.p99), fmtUs(t.p99_9), fmtUs(t.max)]);
    s.appendChild(table(['trend', 'count', 'min', 'avg', 'p50', 'p90', 'p95', 'p99', 'p99.9', 'max'], rows));
  }

  function renderFooter() {
    document.getElementById('footer').appendChild(
        el('p', null, `Results format ${results.format || '?'} v${results.version || '?'}; `,
           `generated by perfgate ${run.perfgate_version || ''}. Charts drawn with uPlot, embedded in this file.`));
  }

  renderHeader();
  renderWarnings();
  renderSummary();
  renderCapacity();
  renderStress();
  renderScalability();
  renderThroughput();
  renderLatencyOverTime();
  renderSpectrum();
  renderDistribution();
  renderNameLatency();
  renderErrorsOverTime();
  renderPhases();
  renderVus();
  renderMonitor();
  renderNames();
  renderThresholdsAndChecks();
  renderPlanMetrics();
  renderErrors();
  renderTrendsTable();
  renderFooter();
  window.addEventListener('resize', () => {
    for (const c of charts) c.uplot.setSize({width: chartWidth(c.uplot.root.parentNode.parentNode), height: c.uplot.height});
  });
  window.perfgateReady = true;
})();
