#!/usr/bin/env bash
# Opens the explorer on the emulator's demo account: starts the emulator on
# a free loopback port, runs ecs-debug against it with throwaway
# credentials, and stops the emulator when the explorer exits.
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
"$root/.venv/bin/python" "$root/tests/emulator/launcher.py" --scenario demo \
    >"$work/ready" 2>"$work/emulator.log" &
emulator=$!
trap 'kill "$emulator" 2>/dev/null || true; wait "$emulator" 2>/dev/null || true; rm -rf "$work"' EXIT

echo "Starting the emulator with the demo account…"
for _ in $(seq 1 600); do
    [ -s "$work/ready" ] && break
    if ! kill -0 "$emulator" 2>/dev/null; then
        echo "The emulator did not start:" >&2
        cat "$work/emulator.log" >&2
        exit 1
    fi
    sleep 0.1
done
endpoint=$(sed -E 's/.*"endpoint": *"([^"]+)".*/\1/' "$work/ready")

unset AWS_PROFILE AWS_SESSION_TOKEN AWS_ENDPOINT_URL
export AWS_ACCESS_KEY_ID=demo AWS_SECRET_ACCESS_KEY=demo AWS_REGION=us-east-1
export AWS_EC2_METADATA_DISABLED=true
"${CARGO_TARGET_DIR:-$root/target}/debug/ecs-debug" --endpoint-url "$endpoint" "$@"
