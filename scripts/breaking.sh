#!/bin/sh
# buf breaking against an earlier commit (default HEAD~1). The earlier
# commit's protos import buf/validate too, which lives outside git, so we
# build its image in a temporary worktree with the same .protodeps copied in.
set -eu
cd "$(dirname "$0")/.."
against=${1:-HEAD~1}
./scripts/protodeps.sh
./scripts/gentools.sh
buf=$PWD/tools/node_modules/.bin/buf
tmp=$(mktemp -d)
trap 'git worktree remove --force "$tmp/old" >/dev/null 2>&1 || true; rm -rf "$tmp"' EXIT
git worktree add --detach "$tmp/old" "$against" >/dev/null 2>&1
if [ ! -f "$tmp/old/buf.yaml" ]; then
  echo "breaking: $against has no buf.yaml; nothing to compare with"
  exit 0
fi
cp -r .protodeps "$tmp/old/.protodeps"
(cd "$tmp/old" && "$buf" build -o "$tmp/old.binpb")
"$buf" build -o "$tmp/new.binpb"
# Images carry no buf.yaml, so the rules are restated here: FILE, without the
# third-party and internal (page token) files, and buf.yaml's one-time
# exception for validation.proto's syntax (edition 2023 to proto2).
"$buf" breaking "$tmp/new.binpb" --against "$tmp/old.binpb" \
  --config '{"version":"v2","breaking":{"use":["FILE"],"ignore":["buf/validate","interlog/token"],"ignore_only":{"FILE_SAME_SYNTAX":["interlog/v1/validation.proto"]}}}'

