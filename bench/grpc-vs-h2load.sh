#!/usr/bin/env bash
# gRPC generator efficiency of perfgate against h2load sending the same gRPC-framed POST.
#
# The server is bench/grpc_echo_server.cc (libgrpc++, compiled here once with pkg-config grpc++;
# SERVER=python uses tests/grpc/grpc_server.py instead), pinned to CPU 0. Both tools run on CPU 1
# with one thread, CONNECTIONS connections and STREAMS concurrent streams on each, in turns:
# h2load, perfgate, ... The call is perfgate.test.Echo/Say with {"text":"hello"}:
#   h2load -d body.bin -H 'content-type: application/grpc' -H 'te: trailers' (h2c)
#   perfgate run grpc://... --proto echo.proto --message '{"text":"hello"}' -u C*S --connections C
# Each tool's CPU time (user+sys) comes from GNU time; the figure is successful calls per
# generator CPU-second (h2load: 2xx responses; perfgate: calls with status OK).
#
# Usage: grpc-vs-h2load.sh PERFGATE [ROUNDS=3] [SECONDS=8] [CONNECTIONS=2] [STREAMS=10]
# Prints one row per run, then medians, and last the line
#   ratio efficiency=<perfgate req/cpu-s ÷ h2load req/cpu-s> throughput=<perfgate rps ÷ h2load rps>
set -euo pipefail
pg=${1:?usage: grpc-vs-h2load.sh PERFGATE [ROUNDS] [SECONDS] [CONNECTIONS] [STREAMS]}
rounds=${2:-3}; secs=${3:-8}; conns=${4:-2}; streams=${5:-10}
pg=$(readlink -f "$pg")
here=$(cd "$(dirname "$0")/.." && pwd)
proto="$here/tests/grpc/echo.proto"

work=$(mktemp -d)
# The body: one framed EchoRequest{text: "hello"} (field 1, 5 bytes).
printf '\x00\x00\x00\x00\x07\x0a\x05hello' > "$work/body.bin"
if [ "${SERVER:-cpp}" = python ]; then
  server=(/usr/bin/python3 "$here/tests/grpc/grpc_server.py" --workers 16)
else
  bin="$(dirname "$pg")/grpc_echo_server"
  if [ ! -x "$bin" ] || [ "$bin" -ot "$here/bench/grpc_echo_server.cc" ]; then
    # shellcheck disable=SC2046  # pkg-config prints several flags
    c++ -std=c++17 -O2 -o "$bin" "$here/bench/grpc_echo_server.cc" $(pkg-config --cflags --libs grpc++)
  fi
  server=("$bin")
fi
exec 3> >(taskset -c 0 "${server[@]}" > "$work/port")
trap 'exec 3>&-; rm -rf "$work"' EXIT
for _ in $(seq 50); do grep -q PORT "$work/port" 2>/dev/null && break; sleep 0.1; done
port=$(awk '/PORT/{print $2}' "$work/port")
[ -n "$port" ] || { echo "the gRPC server did not start"; exit 1; }

run_h2load() {
  /usr/bin/time -f "%U %S" -o "$work/t" taskset -c 1 h2load -t1 -c"$conns" -m"$streams" -D"$secs" \
    -d "$work/body.bin" -H 'content-type: application/grpc' -H 'te: trailers' \
    "http://127.0.0.1:$port/perfgate.test.Echo/Say" > "$work/out" 2>&1 || true
  local n; n=$(awk '/^status codes:/{print $3}' "$work/out")  # 2xx
  echo "$n $(cat "$work/t")"
}
run_perfgate() {
  /usr/bin/time -f "%U %S" -o "$work/t" taskset -c 1 "$pg" run \
    "grpc://127.0.0.1:$port/perfgate.test.Echo/Say" --proto "$proto" --message '{"text":"hello"}' \
    -t 1 -u $((conns * streams)) --connections "$conns" -d "${secs}s" \
    --summary-json "$work/s.json" > "$work/out" 2>&1 || true
  local n; n=$(python3 -c "import json; d=json.load(open('$work/s.json'))['metrics']; print(int(d['http_reqs']['count'] - d.get('http_req_failed',{}).get('passes',0)))")
  echo "$n $(cat "$work/t")"
}
rows=()
for r in $(seq "$rounds"); do
  for tool in h2load perfgate; do
    read -r n u s < <(run_$tool)
    eff=$(python3 -c "print(round($n/max($u+$s,1e-9)))")
    echo "$tool round=$r requests=$n cpu=$(python3 -c "print(round($u+$s,2))")s req_per_cpu_s=$eff rps=$(python3 -c "print(round($n/$secs))")"
    rows+=("$tool $eff $((n / secs))")
  done
done
printf '%s\n' "${rows[@]}" | python3 -c '
import sys, statistics as st
d = {}
for line in sys.stdin:
    t, e, r = line.split(); d.setdefault(t, ([], []))[0].append(float(e)); d[t][1].append(float(r))
m = {t: (st.median(v[0]), st.median(v[1])) for t, v in d.items()}
for t, (e, r) in m.items(): print(f"median {t}: req_per_cpu_s={e:.0f} rps={r:.0f}")
p, h = m["perfgate"], m["h2load"]
print(f"ratio efficiency={p[0] / h[0]:.2f} throughput={p[1] / h[1]:.2f}")'
