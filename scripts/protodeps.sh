#!/bin/sh
# Copies the third-party protos that buf needs from the Go module proxy into
# .protodeps (git-ignored), which buf.yaml lists as a second module. The Buf
# Schema Registry is not reachable from our machines, so `buf dep update`
# cannot be used.
#   buf/validate/validate.proto     the validation rules of our protos
#   google/rpc/status.proto         BatchLogInteractions' per-item errors; the
#                                   clients read a failed call's details with it
#   google/rpc/{code,error_details}.proto
#                                   not imported by our protos; the TypeScript
#                                   and Python clients ship them to read the
#                                   ErrorInfo and BadRequest of a failed call
set -eu
cd "$(dirname "$0")/.."

# module_dir MODULE@VERSION FILE: the module's folder in the Go module cache
# (downloaded when missing), checked to hold FILE.
module_dir() {
  dir=$(go mod download -json "$1" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
  if [ -z "$dir" ] || [ ! -f "$dir/$2" ]; then
    echo "protodeps: cannot find $2 in $1" >&2
    exit 1
  fi
  echo "$dir"
}

# copy_protos SRC DEST FILE...: copies each FILE of SRC into .protodeps/DEST.
copy_protos() {
  src=$1 dest=.protodeps/$2
  shift 2
  mkdir -p "$dest"
  for f in "$@"; do
    cp "$src/$f" "$dest/$f"
    chmod 644 "$dest/$f"
  done
}

validate=$(module_dir github.com/bufbuild/protovalidate@v1.2.2 proto/protovalidate/buf/validate/validate.proto)
copy_protos "$validate/proto/protovalidate/buf/validate" buf/validate validate.proto

# googleapis itself is not a Go module; gogo/googleapis carries a copy of
# google/rpc (without gogoproto options) recent enough to have ErrorInfo.
rpc=$(module_dir github.com/gogo/googleapis@v1.4.1 google/rpc/error_details.proto)
copy_protos "$rpc/google/rpc" google/rpc code.proto error_details.proto
# status.proto from grpc-gateway's copy: gogo's says go_package "rpc", and the
# Go code generated for our protos must import genproto's status package.
gateway=$(module_dir github.com/grpc-ecosystem/grpc-gateway@v1.16.0 third_party/googleapis/google/rpc/status.proto)
copy_protos "$gateway/third_party/googleapis/google/rpc" google/rpc status.proto
