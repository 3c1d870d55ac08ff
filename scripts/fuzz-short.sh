#!/usr/bin/env bash
# A short run of every fuzz target in the module (make fuzz-short; .ci/run runs it).
# FUZZTIME sets the time per target (default 12s); the seed corpora in testdata/fuzz also run
# in every `go test`. A failing input is written to the package's testdata/fuzz/<target>/:
# commit it with the fix, so that it stays a regression test.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
fuzztime=${FUZZTIME:-12s}
log=$(mktemp)
trap 'rm -f "$log"' EXIT

# deadline_race: the run failed only because Go's fuzz coordinator lost the race with its own
# -fuzztime deadline (golang/go#75804, fixed in Go 1.27): the single failure message is
# "context deadline exceeded" and no failing input was written. Anything else is a finding.
deadline_race() {
	! grep -q 'Failing input written' "$log" &&
		[[ $(grep -A1 -- '^--- FAIL' "$log" | tail -n1 | tr -d '[:space:]') == contextdeadlineexceeded ]] &&
		[[ $(grep -c -- '^--- FAIL' "$log") == 1 ]]
}

# run_target PKG TARGET: fuzzes one target; a deadline race is tried once more.
run_target() {
	local attempt
	for attempt in 1 2; do
		echo "==> $1 $2 ($fuzztime)"
		if go test -run '^$' -fuzz "^${2}\$" -fuzztime "$fuzztime" "$1" 2>&1 | tee "$log"; then
			return 0
		fi
		deadline_race || return 1
		echo "==> $2 stopped on the fuzz engine's own deadline race (golang/go#75804), not on an input"
	done
	return 1
}

# Packages and their targets, found from the source ("func FuzzX(f *testing.F)").
grep -rlE --include='*_test.go' '^func Fuzz[A-Za-z0-9_]*\(f \*testing\.F\)' . | sort | while read -r file; do
	pkg=./$(dirname "${file#./}")
	grep -oE '^func Fuzz[A-Za-z0-9_]*' "$file" | cut -d' ' -f2 | while read -r target; do
		run_target "$pkg" "$target"
	done
done
