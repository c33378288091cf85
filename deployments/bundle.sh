#!/usr/bin/env bash
# `make bundle`: the offline install bundle (README "离线安装"), one archive under dist/ holding
# the project at HEAD (git archive: no .venv, out/ or dist/) and, in its wheels/, every wheel
# `make setup` installs for CPython 3.11 on Linux x86_64 (glibc GLIBC_FLOOR or newer), chosen
# from uv.lock and checked against its SHA-256, the pinned uv, and the build backend of the
# project's own editable install. Unpacked, its `make setup` installs from wheels/ only.
# Run by make after `make setup` (.tools/bin/uv, .venv for the helper), with UV_VERSION and
# GLIBC_FLOOR from the Makefile.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${UV_VERSION:?} ${GLIBC_FLOOR:?}"
if ! git diff --quiet HEAD; then
  echo "工作区有未提交的修改：安装包取自 HEAD，请先提交或撤销修改后再运行 make bundle" >&2
  exit 2
fi
version="$(.venv/bin/python -c 'import tomllib; print(tomllib.load(open("pyproject.toml", "rb"))["project"]["version"])')"
name="xzzf-$version-$(git describe --tags --always)"
archive="dist/$name-cp311-linux_x86_64.tar.gz"
stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT
root="$stage/$name"
wheels="$root/wheels"
mkdir -p "$wheels" dist
git archive --format=tar HEAD | tar -x -C "$root"

# What `make setup` installs (the lock without the dev group), with the markers the server
# evaluates; then the file of each package for the target, with the lock's URL and hash.
.tools/bin/uv export --quiet --frozen --no-dev --no-emit-project --no-hashes \
  --no-header --format requirements.txt --output-file "$wheels/requirements.txt"
.venv/bin/python deployments/bundle_wheels.py "$wheels/requirements.txt" uv.lock "$GLIBC_FLOOR" \
  "$stage/download.txt" "$stage/build.txt"

# pip fetches (uv has no download command) and checks each file's hash; no config files, so
# this machine's extra indexes and find-links play no part.
pip=(env -u PIP_FIND_LINKS PIP_CONFIG_FILE=/dev/null .tools/bin/pip --quiet --disable-pip-version-check)
"${pip[@]}" download --no-deps --require-hashes -r "$stage/download.txt" -d "$wheels"
if [ -s "$stage/build.txt" ]; then
  "${pip[@]}" wheel --no-deps --require-hashes -r "$stage/build.txt" -w "$wheels"
fi
# uv itself and hatchling with editables (the project's build backend and what it asks for an
# editable install) are not in the lock: uv at the Makefile's pin, the others as `uv sync`
# would take them today.
"${pip[@]}" download --only-binary=:all: --platform manylinux2014_x86_64 --python-version 3.11 \
  --implementation cp --abi cp311 --abi abi3 --abi none -d "$wheels" "uv==$UV_VERSION" hatchling editables

(cd "$wheels" && sha256sum -- *.whl requirements.txt > SHA256SUMS)
tar -C "$stage" -czf "$archive" "$name"
# Copied beside the archive, it lets the server check the copy: sha256sum -c <archive>.sha256
(cd dist && sha256sum -- "$(basename "$archive")" > "$(basename "$archive").sha256")
echo "$archive  $(du -h "$archive" | cut -f1)  $(ls "$wheels"/*.whl | wc -l) wheels"
