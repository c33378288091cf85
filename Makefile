# Two commands do everything on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
UV_VERSION := 0.13.8
# `make bundle` takes the wheels that run with this glibc or newer (Kylin V10, UOS 20, RHEL 8
# and Debian 10 have 2.28), and `make setup` in a bundle refuses an older one.
GLIBC_FLOOR := 2.28
export UV_PYTHON_DOWNLOADS := never
export DO_NOT_TRACK := 1
export GX_ANALYTICS_ENABLED := False
export PREFECT_SERVER_ANALYTICS_ENABLED := false

# An unpacked offline bundle (`make bundle`, README "离线安装") has wheels/ with its sums.
BUNDLE := $(wildcard wheels/SHA256SUMS)

.PHONY: setup test lint demo clean bundle

setup: .venv/bin/xzzf

# One Chinese line, before uv's English, where the Python given cannot run the project.
CHECK_PYTHON = command -v $(PYTHON) >/dev/null && $(PYTHON) -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' \
	|| { echo "需要 Python 3.11：$(PYTHON) 不存在或不是 3.11。请安装 Python 3.11，再运行 make setup PYTHON=python3.11（或它的完整路径）" >&2; exit 2; }

ifeq ($(BUNDLE),)
# .venv is built from the lock file only (uv sync --frozen); uv itself is pinned. Bytecode is
# compiled once here: where it is not (uv's default) and PYTHONDONTWRITEBYTECODE is set, every
# command compiles Prefect, GX and pandas again, ~8 s of CPU before it does anything.
.venv/bin/xzzf: pyproject.toml uv.lock
	@$(CHECK_PYTHON)
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet uv==$(UV_VERSION)
	.tools/bin/uv sync --frozen --compile-bytecode --python $(PYTHON)
	touch $@

lint: setup
	.venv/bin/ruff check .

# Two workers, a test file each at a time (its module fixtures stay in one process): the
# suite is CPU-bound in one process, and CI has two cores.
test: lint
	.venv/bin/pytest -n 2 --dist loadfile

# The offline install bundle, from HEAD: dist/xzzf-<version>-<commit>-cp311-linux_x86_64.tar.gz.
bundle: setup
	UV_VERSION=$(UV_VERSION) GLIBC_FLOOR=$(GLIBC_FLOOR) deployments/bundle.sh
else
# In a bundle: the same packages as the lock (without the dev group), from wheels/ only, no
# network. uv is taken out of its wheel with Python alone: the server may have no pip or
# ensurepip. The project is installed editable, as `uv sync` does, with hatchling from wheels/.
.venv/bin/xzzf: pyproject.toml uv.lock wheels/SHA256SUMS
	@$(CHECK_PYTHON)
	@$(PYTHON) -c 'import platform, sys; v = platform.libc_ver()[1]; sys.exit(not v or [int(n) for n in v.split(".")] < [int(n) for n in sys.argv[1].split(".")])' $(GLIBC_FLOOR) \
		|| { echo "本机的 glibc 低于 $(GLIBC_FLOOR)（或不是 glibc）：这个安装包不能在这台服务器上安装，请换用更新的系统（如麒麟 V10、统信 UOS 20、RHEL 8 或更新）" >&2; exit 2; }
	@cd wheels && sha256sum --status -c SHA256SUMS \
		|| { echo "安装包不完整或已损坏（wheels/ 与 wheels/SHA256SUMS 不符）：请重新复制并解压安装包" >&2; exit 2; }
	$(PYTHON) -c 'import sys, zipfile, pathlib; uv = pathlib.Path(".tools/bin/uv"); uv.parent.mkdir(parents=True, exist_ok=True); uv.write_bytes(zipfile.ZipFile(sys.argv[1]).read(f"uv-{sys.argv[2]}.data/scripts/uv")); uv.chmod(0o755)' \
		$(wildcard wheels/uv-$(UV_VERSION)-*.whl) $(UV_VERSION)
	.tools/bin/uv venv --quiet --clear --python $(PYTHON) .venv
	.tools/bin/uv pip sync --offline --no-index --find-links wheels --compile-bytecode --python .venv/bin/python wheels/requirements.txt
	.tools/bin/uv pip install --offline --no-index --find-links wheels --compile-bytecode --python .venv/bin/python --no-deps -e .
	touch $@

lint test bundle:
	@echo "这是离线安装包，只用于运行，不含测试和打包工具：请在代码仓库中运行 make $@" >&2; exit 2
endif

demo: setup
	.venv/bin/xzzf demo

clean:
	rm -rf .venv .tools out dist
