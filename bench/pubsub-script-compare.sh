#!/usr/bin/env bash
# The pub/sub and scripting benchmarks in one command: PUBLISH fan-out to SUBSCRIBERS (default 50) subscribers
# (bench/pubsub-fanout.sh) and EVALSHA of a small script, an INCR of a random key (bench/redis-compare.sh with
# EVALSHA=1). Each measures Cairn against Debian's redis-server in the same run, rounds interleaved (Cairn, Redis,
# Cairn, ...), and prints medians and the ratio Cairn/Redis per pipelining level.
#
# usage: bench/pubsub-script-compare.sh ; env: PORT=7520 (uses PORT..PORT+3), ROUNDS=5, and the knobs of both scripts
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
PORT=${PORT:-7520}
export ROUNDS=${ROUNDS:-5}
echo "== PUBLISH fan-out to ${SUBSCRIBERS:-50} subscribers"
CAIRN_PORT=$PORT REDIS_PORT=$((PORT + 1)) "$here/pubsub-fanout.sh"
echo "== EVALSHA (return redis.call('incr', KEYS[1]))"
EVALSHA=1 CAIRN_PORT=$((PORT + 2)) REDIS_PORT=$((PORT + 3)) "$here/redis-compare.sh" ''
