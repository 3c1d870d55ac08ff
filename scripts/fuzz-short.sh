#!/usr/bin/env bash
# A short run of every fuzz target in the module (make fuzz-short; .ci/run runs it).
# FUZZTIME sets the time per target (default 12s); the seed corpora in testdata/fuzz also run
# in every `go test`. A failing input is written to the package's testdata/fuzz/<target>/:
# commit it with the fix, so that it stays a regression test.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
fuzztime=${FUZZTIME:-12s}

# Packages and their targets, found from the source ("func FuzzX(f *testing.F)").
grep -rlE --include='*_test.go' '^func Fuzz[A-Za-z0-9_]*\(f \*testing\.F\)' . | sort | while read -r file; do
	pkg=./$(dirname "${file#./}")
	grep -oE '^func Fuzz[A-Za-z0-9_]*' "$file" | cut -d' ' -f2 | while read -r target; do
		echo "==> $pkg $target ($fuzztime)"
		go test -run '^$' -fuzz "^${target}\$" -fuzztime "$fuzztime" "$pkg"
	done
done
