#!/usr/bin/env bash
# `make demo`: start the built-in target server, load-test it for 5 seconds, print the summary.
# Usage: scripts/demo.sh PATH_TO_PERFGATE
set -euo pipefail

bin=${1:?usage: scripts/demo.sh PATH_TO_PERFGATE}
[[ -x $bin ]] || { echo "demo: $bin is not an executable; run 'make build' first" >&2; exit 1; }

url_file=$(mktemp)
server_pid=
cleanup() {
  if [[ -n $server_pid ]]; then
    kill -TERM "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -f "$url_file"
}
trap cleanup EXIT INT TERM

"$bin" serve --listen 127.0.0.1:0 --quiet >"$url_file" &
server_pid=$!

# The first line of the server's stdout is its base URL; wait up to 5 s for it.
url=
for _ in $(seq 50); do
  url=$(head -n 1 "$url_file")
  [[ -n $url ]] && break
  kill -0 "$server_pid" 2>/dev/null || { echo "demo: perfgate serve exited early" >&2; exit 1; }
  sleep 0.1
done
[[ -n $url ]] || { echo "demo: perfgate serve printed no URL" >&2; exit 1; }
echo "demo: perfgate serve is listening on $url"

echo "demo: perfgate run $url/ -u 20 -d 5s"
"$bin" run "$url/" -u 20 -d 5s
