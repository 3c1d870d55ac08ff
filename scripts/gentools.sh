#!/bin/sh
# Makes sure the code generators of `make generate` are here, installing what
# is missing (fast when nothing is):
#   tools/node_modules   buf and protoc-gen-es, pinned in tools/package-lock.json
#                        (npm ci; again whenever the lock file changes)
#   /usr/bin/protoc, /usr/bin/grpc_python_plugin
#                        Debian's protobuf-compiler and protobuf-compiler-grpc,
#                        whose Python output matches Debian's python3-protobuf
#                        and python3-grpcio (apt-get, as root)
set -eu
cd "$(dirname "$0")/.."

stamp=tools/node_modules/.installed-lock.json
if ! cmp -s tools/package-lock.json "$stamp"; then
  npm ci --prefix tools --no-audit --no-fund --loglevel=error
  cp tools/package-lock.json "$stamp"
fi

if [ ! -x /usr/bin/protoc ] || [ ! -x /usr/bin/grpc_python_plugin ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "gentools: install Debian's protobuf-compiler and protobuf-compiler-grpc (as root: apt-get install -y protobuf-compiler protobuf-compiler-grpc)" >&2
    exit 1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y protobuf-compiler protobuf-compiler-grpc ||
    { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y protobuf-compiler protobuf-compiler-grpc; }
fi

# npm's buf starts at once on a fresh machine, where the Go tool would first
# be compiled for minutes; the two pins must name the same version.
npm_buf=$(tools/node_modules/.bin/buf --version)
go_buf=$(sed -n 's/^[[:space:]]*github.com\/bufbuild\/buf v\([^ ]*\).*/\1/p' tools/go.mod)
if [ "$npm_buf" != "$go_buf" ]; then
  echo "gentools: buf $npm_buf in tools/package.json, $go_buf in tools/go.mod: pin the same version" >&2
  exit 1
fi
