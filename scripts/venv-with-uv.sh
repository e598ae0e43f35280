#!/usr/bin/env bash
# Creates (or keeps) the virtualenv DIR with uv and pip in it, as fast as this machine allows.
#   scripts/venv-with-uv.sh DIR 'uv==VERSION'   (the Makefile passes the lock's uv pin)
# `python3 -m venv` installs pip through ensurepip, which took 13 s here (39 s on a loaded machine): when
# this Python's own pip can install into another environment (pip 22.3+, --python), the virtualenv is made
# without it, that pip puts uv in, and uv puts pip in (build_lambda.py and people use DIR/bin/pip).
# Otherwise it is the plain way: venv with ensurepip, then pip installs uv.
set -euo pipefail

dir=$1
uv_pin=$2
python=${PYTHON:-python3}

if [ -x "$dir/bin/uv" ] && [ -x "$dir/bin/pip" ]; then
  "$dir/bin/pip" install --quiet "$uv_pin" # the lock's uv, if the lock moved
  exit 0
fi

if "$python" -m pip --help 2>/dev/null | grep -q -- "--python "; then
  "$python" -m venv --without-pip "$dir"
  "$python" -m pip --python "$dir/bin/python" install --quiet "$uv_pin"
  "$dir/bin/uv" pip install --quiet --python "$dir/bin/python" pip
else
  "$python" -m venv "$dir"
  "$dir/bin/pip" install --quiet "$uv_pin"
fi
