// Opens a perfgate HTML report in headless Debian Chromium (playwright-core, never a downloaded
// browser) from a file:// URL, and prints what a person would see as JSON on stdout: the
// sections, each chart's series and whether each series really painted pixels, the verdict, the
// named tables.
// Exits 1 on any console error, page error or network request (a report must be self-contained),
// and 2 on a usage or launch problem. The C++ test (report_browser_test.cc) asserts on the JSON.
//
// Usage: node check_report.js REPORT.html SCREENSHOT.png
'use strict';
const path = require('path');
const {chromium} = require('playwright-core');

const kFlags = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
                '--disable-background-networking', '--disable-component-update', '--disable-sync'];

// Runs in the page: for every uPlot chart, whether each series shows on the canvas. A series
// counts as drawn when a pixel near one of its points has its colour; points hidden under a
// series drawn later (equal values) count as covered, so identical series do not fail.
function inspectPage() {
  const rgb = (color) => {
    const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(color) ||
              /^rgba?\((\d+),\s*(\d+),\s*(\d+)/.exec(color);
    if (!m) return null;
    return color[0] === '#' ? [1, 2, 3].map((i) => parseInt(m[i], 16)) : [1, 2, 3].map((i) => +m[i]);
  };
  const charts = window.perfgateCharts.map(({name, uplot: u}) => {
    const ctx = u.ctx;
    const img = ctx.getImageData(0, 0, ctx.canvas.width, ctx.canvas.height);
    const colourNear = (x, y, want) => {
      for (let dy = -3; dy <= 3; dy++) {
        for (let dx = -3; dx <= 3; dx++) {
          const px = Math.round(x) + dx, py = Math.round(y) + dy;
          if (px < 0 || py < 0 || px >= img.width || py >= img.height) continue;
          const o = (py * img.width + px) * 4;
          if (img.data[o + 3] < 40) continue;
          const d = Math.abs(img.data[o] - want[0]) + Math.abs(img.data[o + 1] - want[1]) +
                    Math.abs(img.data[o + 2] - want[2]);
          if (d < 90) return true;
        }
      }
      return false;
    };
    const pos = (s, i) => {
      const ser = u.series[s];
      const v = u.data[s][i];
      const isBar = !!ser.paths && name === 'phases';
      return [u.valToPos(u.data[0][i], 'x', true), u.valToPos(isBar ? v / 2 : v, ser.scale, true)];
    };
    const series = u.series.slice(1).map((ser, k) => {
      const s = k + 1;
      const want = rgb(typeof ser._stroke === 'string' ? ser._stroke : (typeof ser.stroke === 'function' ? ser.stroke(u, s) : ser.stroke));
      let values = 0, drawn = 0, covered = 0;
      for (let i = 0; i < u.data[s].length; i++) {
        const v = u.data[s][i];
        if (v === null || v === undefined) continue;
        values++;
        const [x, y] = pos(s, i);
        if (want && colourNear(x, y, want)) { drawn++; continue; }
        for (let t = s + 1; t < u.series.length; t++) {
          const w = u.data[t][i];
          if (w !== null && w !== undefined && Math.abs(pos(t, i)[1] - y) <= 3) { covered++; break; }
        }
      }
      const at3 = u.data[s][3] === undefined ? null : u.data[s][3];
      return {label: ser.label, values, drawn, covered, ok: values > 0 && (drawn > 0 || covered === values), at3};
    });
    // The x axis' tick labels as drawn (uPlot keeps them in axis._values; null: no label).
    const xLabels = (u.axes[0]._values || []).filter((v) => v !== null && v !== '');
    return {name, points: u.data[0].length, width: Math.round(u.width), x_labels: xLabels, series};
  });
  // The per-name chart's percentile picker: p99 instead of the default p95 (its first series).
  const picker = document.getElementById('name-percentile');
  const names = window.perfgateCharts.find((c) => c.name === 'name-latency');
  if (picker && names) {
    picker.value = 'p99';
    picker.dispatchEvent(new Event('change'));
    charts.find((c) => c.name === 'name-latency').p99_at3 = names.uplot.data[1][3];
  }
  return {
    title: document.title,
    verdict: (document.getElementById('verdict') || {}).textContent,
    sections: [...document.querySelectorAll('section')].map((s) => s.id),
    charts,
    // Tables a test names (data-name), as rows of cell texts, header row first.
    tables: Object.fromEntries([...document.querySelectorAll('table[data-name]')].map((t) => [
      t.getAttribute('data-name'), [...t.rows].map((r) => [...r.cells].map((c) => c.textContent))])),
    images: document.querySelectorAll('img').length,
    scripts: document.querySelectorAll('script').length,
    text: document.body.innerText,
  };
}

async function main() {
  const [html, screenshot] = process.argv.slice(2);
  if (!html || !screenshot) {
    console.error('usage: node check_report.js REPORT.html SCREENSHOT.png');
    process.exit(2);
  }
  const browser = await chromium.launch({executablePath: '/usr/bin/chromium', args: kFlags,
                                         chromiumSandbox: false, timeout: 30000});
  const problems = [];
  try {
    const page = await browser.newPage({viewport: {width: 1280, height: 900}});
    page.on('console', (m) => { if (m.type() === 'error') problems.push(`console error: ${m.text()}`); });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('request', (r) => {
      if (!/^(file|data|about):/.test(r.url())) problems.push(`network request: ${r.url()}`);
    });
    await page.goto(`file://${path.resolve(html)}`, {waitUntil: 'load', timeout: 20000});
    await page.waitForFunction(() => window.perfgateReady === true, null, {timeout: 10000});
    const facts = await page.evaluate(inspectPage);
    await page.screenshot({path: screenshot, fullPage: true});
    // Charts follow the window: narrower after a resize.
    await page.setViewportSize({width: 900, height: 900});
    await page.waitForTimeout(200);
    facts.resized_widths = await page.evaluate(() => window.perfgateCharts.map((c) => Math.round(c.uplot.width)));
    process.stdout.write(`${JSON.stringify(facts)}\n`);
  } finally {
    await browser.close();
  }
  if (problems.length) {
    console.error(problems.join('\n'));
    process.exit(1);
  }
}

main().catch((e) => {
  console.error(`check_report: ${e.stack || e}`);
  process.exit(2);
});
