#!/usr/bin/env bash
# sigma_regression.sh — SigmaHQ's regression tests (sigma_regression.py does
# the work): every rule of regression_data over its EVTX gives exactly its
# match_count. Prints `N/M regression tests pass`; any failure fails the test.
set -u
command -v python3 >/dev/null || { echo "SKIP: python3 not installed"; exit 77; }
python3 -c 'import yaml' 2>/dev/null || { echo "SKIP: python3-yaml not installed"; exit 77; }
exec python3 "$(dirname "$0")/sigma_regression.py" "$1"
