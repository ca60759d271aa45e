// Reads an HdrHistogram interval log with hdr-histogram-js, an implementation independent of
// perfgate's, and prints each interval's tag, times, count, min, max, mean and percentiles as
// JSON for hdr_log_test.cc to compare. Usage: node hdr_interop.js FILE.hlog
'use strict';
const fs = require('fs');
const hdr = require('hdr-histogram-js');

const reader = new hdr.HistogramLogReader(fs.readFileSync(process.argv[2], 'utf8'));
const out = [];
for (let h = reader.nextIntervalHistogram(); h !== null; h = reader.nextIntervalHistogram()) {
  const percentiles = {};
  for (const p of [50, 90, 99, 99.9, 100]) percentiles[String(p)] = h.getValueAtPercentile(p);
  out.push({
    tag: h.tag,
    start_s: +(h.startTimeStampMsec / 1000 - reader.baseTimeSec).toFixed(3),
    end_s: +(h.endTimeStampMsec / 1000 - reader.baseTimeSec).toFixed(3),
    count: h.totalCount, min: h.minNonZeroValue, max: h.maxValue, mean: h.mean, percentiles,
  });
}
process.stdout.write(JSON.stringify(out));
