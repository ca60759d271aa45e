#!/usr/bin/env python3
"""Writes the two Grafana dashboards in this folder from one panel list, so the InfluxDB and
Prometheus variants stay alike. Run it after changing a panel:  python3 generate_dashboards.py

The measurement, field and metric names are the ones src/outputs writes (docs/outputs.md);
tests/outputs/dashboard_test.cc checks every query against them.
"""
import json
import pathlib

HERE = pathlib.Path(__file__).resolve().parent
INFLUX_DS = {"type": "influxdb", "uid": "${DS_INFLUXDB}"}
PROM_DS = {"type": "prometheus", "uid": "${DS_PROMETHEUS}"}
INFLUX_WHERE = "\"testid\" =~ /^$testid$/ AND $timeFilter"
PROM_SEL = "testid=~\"$testid\""


def influx(query, alias):
    return {"query": query, "rawQuery": True, "resultFormat": "time_series", "alias": alias}


def influx_mean(measurement, field, alias):
    return influx(f"SELECT mean(\"{field}\") FROM \"{measurement}\" WHERE {INFLUX_WHERE} "
                  "GROUP BY time($__interval) fill(null)", alias)


def prom(expr, legend):
    return {"expr": expr, "legendFormat": legend, "range": True}


def rate(metric, by=None):
    inner = f"rate({metric}{{{PROM_SEL}}}[$__rate_interval])"
    return f"sum by ({by}) ({inner})" if by else f"sum({inner})"


def quantile(q):
    return ("histogram_quantile(%s, sum by (le) (rate(perfgate_http_req_duration_seconds_bucket"
            "{%s}[$__rate_interval])))" % (q, PROM_SEL))


# (title, unit, description, influx targets, prometheus targets)
PANELS = [
    ("Requests per second", "reqps", "Requests that ended in each second (any outcome).",
     [influx_mean("perfgate", "http_reqs", "requests/s"),
      influx_mean("perfgate", "http_req_failed", "failed/s")],
     [prom(rate("perfgate_http_reqs_total"), "requests/s"),
      prom(rate("perfgate_http_req_failed_total"), "failed/s")]),
    ("Latency percentiles (http_req_duration)", "ms",
     "Per-second percentiles; open model: from each request's scheduled start.",
     [influx_mean("perfgate", f"http_req_duration_{p}", p) for p in ("p50", "p90", "p95", "p99")] +
     [influx(f"SELECT max(\"http_req_duration_max\") FROM \"perfgate\" WHERE {INFLUX_WHERE} "
             "GROUP BY time($__interval) fill(null)", "max")],
     [prom(f"1000 * {quantile(q)}", f"p{int(float(q) * 100)}")
      for q in ("0.5", "0.9", "0.95", "0.99")] +
     [prom(f"1000 * max(perfgate_http_req_duration_last_second_seconds{{{PROM_SEL},stat=\"max\"}})",
           "max (last second)")]),
    ("Errors by class", "short", "Failed requests per second by error class.",
     [influx(f"SELECT sum(\"count\") FROM \"perfgate_errors\" WHERE {INFLUX_WHERE} "
             "GROUP BY time($__interval), \"error_class\" fill(0)", "$tag_error_class")],
     [prom(rate("perfgate_errors_total", "error_class") + " > 0", "{{error_class}}")]),
    ("Responses by status", "short", "Complete responses per second by HTTP status.",
     [influx(f"SELECT sum(\"count\") FROM \"perfgate_responses\" WHERE {INFLUX_WHERE} "
             "GROUP BY time($__interval), \"status\" fill(0)", "$tag_status")],
     [prom(rate("perfgate_http_responses_total", "status"), "{{status}}")]),
    ("VUs", "short", "VUs busy in an iteration.",
     [influx_mean("perfgate", "vus", "vus")],
     [prom(f"sum(perfgate_vus{{{PROM_SEL}}})", "vus")]),
    ("Data sent / received", "Bps", "Bytes per second written to and read from sockets.",
     [influx_mean("perfgate", "data_sent", "sent"),
      influx_mean("perfgate", "data_received", "received")],
     [prom(rate("perfgate_data_sent_bytes_total"), "sent"),
      prom(rate("perfgate_data_received_bytes_total"), "received")]),
    ("Schedule lag p99 (open model)", "ms",
     "How late requests started against their schedule: a busy generator shows here first.",
     [influx_mean("perfgate", "schedule_lag_p99", "schedule lag p99")],
     [prom(f"1000 * max(perfgate_schedule_lag_p99_seconds{{{PROM_SEL}}})", "schedule lag p99")]),
    ("Dropped iterations (open model)", "short",
     "Iterations the schedule wanted but no VU was free for.",
     [influx_mean("perfgate", "dropped_iterations", "dropped/s")],
     [prom(rate("perfgate_dropped_iterations_total"), "dropped/s")]),
    ("SUT CPU % (--monitor)", "percent",
     "CPU of the system under test, from `perfgate run --monitor`.",
     [influx_mean("perfgate_monitor", "sut_cpu_percent", "cpu %")],
     [prom(f"max(perfgate_sut_cpu_percent{{{PROM_SEL}}})", "cpu %")]),
    ("SUT memory (--monitor)", "bytes",
     "Resident memory of the system under test, from `perfgate run --monitor`.",
     [influx_mean("perfgate_monitor", "sut_rss_bytes", "rss")],
     [prom(f"max(perfgate_sut_rss_bytes{{{PROM_SEL}}})", "rss")]),
    ("SUT threads and open files (--monitor)", "short",
     "Threads and open file descriptors of the system under test, from `--monitor`.",
     [influx_mean("perfgate_monitor", "sut_threads", "threads"),
      influx_mean("perfgate_monitor", "sut_open_fds", "open fds")],
     [prom(f"max(perfgate_sut_threads{{{PROM_SEL}}})", "threads"),
      prom(f"max(perfgate_sut_open_fds{{{PROM_SEL}}})", "open fds")]),
]


def panel(index, title, unit, description, datasource, targets):
    for ref, target in enumerate(targets):
        target["refId"] = chr(ord("A") + ref)
        target["datasource"] = datasource
    return {
        "id": index + 1,
        "type": "timeseries",
        "title": title,
        "description": description,
        "datasource": datasource,
        "gridPos": {"h": 8, "w": 12, "x": 12 * (index % 2), "y": 8 * (index // 2)},
        "fieldConfig": {"defaults": {"unit": unit, "custom": {"spanNulls": True}},
                        "overrides": []},
        "options": {"legend": {"displayMode": "list", "placement": "bottom"},
                    "tooltip": {"mode": "multi"}},
        "targets": targets,
    }


def dashboard(kind, datasource, ds_input, plugin_name, testid_query, column):
    return {
        "__inputs": [{"name": ds_input, "label": plugin_name, "type": "datasource",
                      "pluginId": datasource["type"], "pluginName": plugin_name}],
        "uid": f"perfgate-{kind}",
        "title": f"perfgate ({plugin_name})",
        "description": f"Live perfgate run metrics from --out {kind}=... (see docs/outputs.md).",
        "tags": ["perfgate", "load-test"],
        "editable": True,
        "schemaVersion": 38,
        "version": 1,
        "refresh": "5s",
        "time": {"from": "now-15m", "to": "now"},
        "timepicker": {},
        "timezone": "",
        "annotations": {"list": []},
        "links": [],
        "templating": {"list": [{
            "name": "testid", "label": "run (testid)", "type": "query",
            "datasource": datasource, "query": testid_query, "refresh": 2,
            "includeAll": True, "multi": True, "allValue": ".*",
            "current": {"text": "All", "value": "$__all"}, "sort": 2}]},
        "panels": [panel(i, p[0], p[1], p[2], datasource, [dict(t) for t in p[column]])
                   for i, p in enumerate(PANELS)],
    }


def main():
    boards = {
        "perfgate-influxdb.json": dashboard(
            "influxdb", INFLUX_DS, "DS_INFLUXDB", "InfluxDB",
            "SHOW TAG VALUES FROM \"perfgate\" WITH KEY = \"testid\"", 3),
        "perfgate-prometheus.json": dashboard(
            "prometheus", PROM_DS, "DS_PROMETHEUS", "Prometheus",
            "label_values(perfgate_http_reqs_total, testid)", 4),
    }
    for name, board in boards.items():
        (HERE / name).write_text(json.dumps(board, indent=2) + "\n")


if __name__ == "__main__":
    main()
