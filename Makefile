# Two commands do everything on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
UV_VERSION := 0.13.8
export UV_PYTHON_DOWNLOADS := never
export DO_NOT_TRACK := 1
export GX_ANALYTICS_ENABLED := False
export PREFECT_SERVER_ANALYTICS_ENABLED := false

.PHONY: setup test lint demo clean

setup: .venv/bin/xzzf

# .venv is built from the lock file only (uv sync --frozen); uv itself is pinned. Bytecode is
# compiled once here: where it is not (uv's default) and PYTHONDONTWRITEBYTECODE is set, every
# command compiles Prefect, GX and pandas again, ~8 s of CPU before it does anything.
.venv/bin/xzzf: pyproject.toml uv.lock
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

demo: setup
	.venv/bin/xzzf demo

clean:
	rm -rf .venv .tools out
