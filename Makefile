# Two commands: `make run` (the site on http://127.0.0.1:8000) and `make test` (everything).
# Needs only python3 >= 3.11 and make: uv is bootstrapped into .tools/, the project into .venv/.
PYTHON ?= python3
UV_VERSION := 0.13.9
UV := .tools/bin/uv
export UV_PYTHON_DOWNLOADS := never
# Bytecode, as on Lambda (the package ships it): tests start many Python processes (gunicorn,
# the CLI, emulators), and an environment with PYTHONDONTWRITEBYTECODE=1 would otherwise
# have each of them compile every module it imports from source.
export UV_COMPILE_BYTECODE := 1
export PYTHONDONTWRITEBYTECODE :=

.PHONY: run test lint sync clean

run: .venv/.synced
	.venv/bin/recipebox serve

test: .venv/.synced lint
	.venv/bin/pytest

lint: .venv/.synced
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	.venv/bin/mypy

sync: .venv/.synced

$(UV):
	$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "recipebox needs Python >= 3.11")'
	$(PYTHON) -m venv .tools
	.tools/bin/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

.venv/.synced: pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen --all-extras --python $(PYTHON)
	@touch $@

clean:
	rm -rf .venv .tools .pytest_cache .mypy_cache .ruff_cache
