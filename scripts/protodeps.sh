#!/bin/sh
# Copies buf/validate/validate.proto from the Go module proxy into .protodeps,
# which buf.yaml lists as a second module. The Buf Schema Registry is not
# reachable from our machines, so `buf dep update` cannot be used.
set -eu
cd "$(dirname "$0")/.."
version=v1.2.2
dir=$(go mod download -json "github.com/bufbuild/protovalidate@$version" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
if [ -z "$dir" ] || [ ! -f "$dir/proto/protovalidate/buf/validate/validate.proto" ]; then
  echo "protodeps: cannot find validate.proto in github.com/bufbuild/protovalidate@$version" >&2
  exit 1
fi
mkdir -p .protodeps/buf/validate
cp "$dir/proto/protovalidate/buf/validate/validate.proto" .protodeps/buf/validate/validate.proto
chmod 644 .protodeps/buf/validate/validate.proto
