#!/usr/bin/env bash
# Peak RSS of the generator holding N idle keep-alive TLS connections: a plan of N VUs, each
# sends one GET over HTTPS to `perfgate serve --tls` on loopback and then thinks for HOLD, so
# every connection stays open and idle. Prints the peak RSS (GNU time: the connect storm, when all
# handshakes are in flight at once) and the RSS while the connections are idle, in KB.
#   bench/idle-tls-memory.sh build/release/perfgate [N=10000] [HOLD=15s] [--http]
# Bounded: the run ends after HOLD plus the connect phase; the server is killed on exit.
set -euo pipefail
pg=$1; n=${2:-10000}; hold=${3:-15s}; scheme=${4:-}
ulimit -n "$(ulimit -Hn)"
dir=$(mktemp -d)
trap 'kill "$server" 2>/dev/null || true; rm -rf "$dir"' EXIT
tls=--tls
[ "$scheme" = "--http" ] && tls=
"$pg" serve $tls --listen 127.0.0.1:0 --threads 1 > "$dir/url" 2>/dev/null &
server=$!
for _ in $(seq 50); do [ -s "$dir/url" ] && break; sleep 0.1; done
url=$(head -1 "$dir/url")
cat > "$dir/plan.yaml" <<PLAN
options:
  insecureSkipTLSVerify: true
  scenarios:
    idle: {executor: per-vu-iterations, vus: $n, iterations: 1, maxDuration: 120s}
flows:
  default:
    - url: $url/
    - think: $hold
PLAN
/usr/bin/time -f '%M %e %U %S' -o "$dir/time" "$pg" run "$dir/plan.yaml" --threads 1 \
  --summary-json "$dir/s.json" > "$dir/out" 2>&1 &
runner=$!
# The resident set while the connections are idle: sampled every 0.5 s; the sample taken 1.5 s
# before the run ended is the one reported (all VUs are thinking by then).
samples=()
while kill -0 "$runner" 2>/dev/null; do
  pid=$(pgrep -P "$runner" -f "perfgate run" | head -1 || true)
  [ -n "$pid" ] && samples+=("$(awk '/VmRSS/ {print $2}' "/proc/$pid/status" 2>/dev/null || echo 0)")
  sleep 0.5
done
wait "$runner" || { tail -20 "$dir/out"; exit 1; }
idle=${samples[$(( ${#samples[@]} > 4 ? ${#samples[@]} - 4 : 0 ))]:-0}
read -r rss elapsed user sys < "$dir/time"
reqs=$(python3 -c "import json;d=json.load(open('$dir/s.json'));print(d['metrics']['http_reqs']['count'])")
errors=$(python3 -c "import json;d=json.load(open('$dir/s.json'));print(sum(d['perfgate']['errors'].values()))")
echo "connections=$n requests=$reqs errors=$errors peak_rss_kb=$rss idle_rss_kb=$idle elapsed_s=$elapsed cpu_s=$(echo "$user + $sys" | bc)"
echo "kb_per_connection: peak=$(echo "scale=1; $rss / $n" | bc) idle=$(echo "scale=1; $idle / $n" | bc)"
