#!/usr/bin/env bash
# Stands in for the perfgate binary in ../shared/bench/vs-wrk.sh so that the comparison measures
# a one-step *plan* instead of a one-liner: it takes `run URL --vus N --duration D [--cacert F]
# [-H H] --threads T --summary-json F` and runs the same load as a plan file (constant-vus, one
# GET step without checks).
#   PERFGATE=build/release/perfgate ../shared/bench/vs-wrk.sh bench/one-step-plan.sh 5
set -euo pipefail
pg=${PERFGATE:-$(dirname "$0")/../build/release/perfgate}
shift  # "run"
url=$1; shift
vus=10; duration=10s; rest=(); headers=()
while [ $# -gt 0 ]; do
  case $1 in
    --vus) vus=$2; shift 2 ;;
    --duration) duration=$2; shift 2 ;;
    -H) headers+=("$2"); shift 2 ;;
    *) rest+=("$1"); shift ;;
  esac
done
plan=$(mktemp --suffix=.yaml)
trap 'rm -f "$plan"' EXIT
{
  echo "options: {vus: $vus, duration: $duration}"
  echo "flows:"
  echo "  default:"
  echo "    - url: $url"
  if [ ${#headers[@]} -gt 0 ]; then
    echo "      headers:"
    for h in "${headers[@]}"; do echo "        ${h%%:*}: \"${h#*: }\""; done
  fi
} > "$plan"
exec "$pg" run "$plan" "${rest[@]}"
