#!/bin/sh
# Prepares the client programs of `make test-clients`, installing what is
# missing (fast when nothing is):
#   .protodeps             third-party protos (scripts/protodeps.sh), which
#                          the test of the proto parsers reads
#   clients/ts-test        npm ci (again whenever its lock file changes), tsc
#   clients/python-test/.venv
#                          Debian's python3 with python3-grpcio and
#                          python3-protobuf (apt-get, as root; PyPI is not
#                          reachable), and gen/python installed into a venv
#                          that sees them, as a caller would install it
set -eu
cd "$(dirname "$0")/.."
./scripts/protodeps.sh

ts=clients/ts-test
if ! cmp -s $ts/package-lock.json $ts/node_modules/.installed-lock.json; then
  npm ci --prefix $ts --no-audit --no-fund --loglevel=error
  cp $ts/package-lock.json $ts/node_modules/.installed-lock.json
fi
# gen/ts is copied into node_modules (install-links); copy it again, it may
# have been regenerated since.
rm -rf $ts/node_modules/@interlog/client/lib
cp -r gen/ts/lib $ts/node_modules/@interlog/client/lib
npm run --prefix $ts --silent build

debs="python3-grpcio python3-protobuf python3-venv"
if ! /usr/bin/python3 -c 'import grpc, google.protobuf, ensurepip' 2>/dev/null; then
  if [ "$(id -u)" != 0 ]; then
    echo "clientdeps: install Debian's $debs (as root: apt-get install -y $debs)" >&2
    exit 1
  fi
  # shellcheck disable=SC2086
  DEBIAN_FRONTEND=noninteractive apt-get install -y $debs ||
    { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y $debs; }
fi
venv=clients/python-test/.venv
[ -x $venv/bin/python ] || /usr/bin/python3 -m venv --system-site-packages $venv
$venv/bin/pip uninstall --quiet --yes interlog-client
$venv/bin/pip install --quiet --no-index --no-build-isolation ./gen/python
rm -rf gen/python/build gen/python/src/*.egg-info
