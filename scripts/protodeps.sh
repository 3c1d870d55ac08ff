#!/bin/sh
# Copies the proto files the API imports from other projects out of Go
# modules (through the Go module proxy) into .protodeps, which buf.yaml lists
# as a second module. The Buf Schema Registry is not reachable from our
# machines, so `buf dep update` cannot be used.
set -eu
cd "$(dirname "$0")/.."

# copy_proto MODULE VERSION DIR FILE copies DIR/FILE of the module to .protodeps/FILE.
copy_proto() {
  dir=$(go mod download -json "$1@$2" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
  if [ -z "$dir" ] || [ ! -f "$dir/$3/$4" ]; then
    echo "protodeps: cannot find $4 in $1@$2" >&2
    exit 1
  fi
  mkdir -p ".protodeps/$(dirname "$4")"
  cp "$dir/$3/$4" ".protodeps/$4"
  chmod 644 ".protodeps/$4"
}

copy_proto github.com/bufbuild/protovalidate v1.2.2 proto/protovalidate buf/validate/validate.proto
# google.rpc.Status (BatchLogInteractions' per-item errors); its go_package is
# google.golang.org/genproto/googleapis/rpc/status, which the server uses.
copy_proto github.com/grpc-ecosystem/grpc-gateway v1.16.0 third_party/googleapis google/rpc/status.proto
