# terraform-aws-ses-smtp: every target sets up what it needs (virtualenvs, Terraform CLI config).
SHELL       := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON      ?= python3
VENV        ?= .venv
TOOLS_VENV  ?= .venv-tools
BUILD       := build
DIST        := functions/dist
PY          := $(VENV)/bin/python
TF_DIRS     := . $(wildcard modules/*) $(wildcard examples/*) $(wildcard tests/fixtures/*)
# Modules that take the aws.us_east_1 alias cannot be validated on their own (Terraform wants the
# caller's provider); the examples validate them through their callers.
TF_VALIDATE := $(filter-out . modules/mta-sts,$(TF_DIRS))
PY_SOURCES  := functions/ses_smtp functions/ses_smtp_local scripts tests
EVALUATOR   := tests/policies
DEV_LOCK    := functions/requirements-dev.lock
# pytest through pytest-xdist. The unit tests use the CPU: one worker per core (-n auto). The integration
# tests mostly wait (Terraform, the AWS provider's fixed waits, the emulator), so more workers than cores
# pays: PYTEST_WORKERS (0: one process). Each file (or test class) runs whole on one worker, so its
# module-scoped fixtures are made once; `slow` files start first, in the order tests/conftest.py gives
# (--no-loadscope-reorder: not by test count). Unit and integration run apart: the unit tests' mock_aws
# resets moto's data in its process, which would wipe a worker's in-process emulator.
PYTEST         := $(PY) -m pytest -c functions/pyproject.toml --rootdir .
PYTEST_WORKERS ?= 4
# `terraform test` files run at once (scripts/terraform_test.py: one process per file).
TF_TEST_JOBS   ?= 2
# Terraform directories inited and validated at once.
TF_JOBS        ?= 2

# Terraform installs hashicorp/aws from a local mirror when this machine has one.
export TF_CLI_CONFIG_FILE := $(CURDIR)/$(BUILD)/terraformrc
export TF_IN_AUTOMATION   := 1

.PHONY: help setup setup-runtime setup-demo system-deps build lint lint-python checkov format docs test test-unit test-terraform test-python test-aws validate precommit lock demo bench clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-15s %s\n", $$1, $$2}'

setup: $(VENV)/.installed $(TOOLS_VENV)/.installed $(BUILD)/terraformrc ## Create the virtualenvs and the Terraform CLI config

# The runtime virtualenv and the Terraform CLI config: all the unit tests need.
setup-runtime: $(VENV)/.installed $(BUILD)/terraformrc

# What the demo needs and no more: the CLI and the local stack, without the test and lint tools.
setup-demo: $(VENV)/.local-installed $(BUILD)/terraformrc

system-deps: ## Install the Debian packages the tests need (BIND, swaks, python3-venv), or say how
	scripts/system-deps.sh test

# The CLI and the local stack (functions[local]) at the lock's versions: as constraints, the lock pins
# what is installed without adding the rest of the dev set (the local stack patches moto's internals).
$(VENV)/.local-installed: functions/pyproject.toml $(DEV_LOCK) scripts/venv-with-uv.sh
	scripts/system-deps.sh demo
	PYTHON=$(PYTHON) scripts/venv-with-uv.sh $(VENV) '$(UV_PIN)'
	$(call lock_install,--constraint $(DEV_LOCK) -e 'functions[local]')
	touch $@

# Then the test and lint tools: exactly the locked versions (functions/requirements-dev.lock).
$(VENV)/.installed: $(VENV)/.local-installed
	$(call lock_install,-r $(DEV_LOCK) -e 'functions[dev]')
	touch $@

# uv (its version from the lock) installs the same pins several times faster than pip. It leaves compiling
# to Python, which compiles what a program imports the first time (pip compiled every file: a minute of
# CPU on a loaded machine). uv does not read pip's configuration (pip.conf, PIP_INDEX_URL): where it
# cannot install, pip does instead.
UV_PIN = $(shell grep -m1 '^uv==' $(DEV_LOCK))
define lock_install
	$(VENV)/bin/uv pip install --quiet --python $(PY) $(1) \
		|| { echo "uv could not install; pip does (slower)" >&2; $(VENV)/bin/pip install --quiet $(1); }
endef

# A fresh virtualenv resolves functions/pyproject.toml anew, held to the layer's pins (the tests run what
# Lambda runs); its versions become the lock.
lock: ## Re-resolve the dev/test dependencies and rewrite functions/requirements-dev.lock
	rm -rf $(BUILD)/lock-venv
	$(PYTHON) -m venv $(BUILD)/lock-venv
	$(BUILD)/lock-venv/bin/pip install --quiet --upgrade pip
	$(BUILD)/lock-venv/bin/pip install --quiet --constraint functions/requirements-lambda.txt -e 'functions[dev]'
	{ echo "# The dev/test environment, exactly: \`make setup\` installs it; \`make lock\` rewrites it from functions/pyproject.toml."; \
	  echo "# Python $$($(BUILD)/lock-venv/bin/python -c 'import platform; print(platform.python_version())') on $$(uname -sm)."; \
	  $(BUILD)/lock-venv/bin/pip freeze --exclude-editable; } > $(DEV_LOCK)
	rm -rf $(BUILD)/lock-venv

# checkov pins its own versions of boto3 and friends: it lives in a virtualenv of its own.
$(TOOLS_VENV)/.installed:
	$(PYTHON) -m venv $(TOOLS_VENV)
	$(TOOLS_VENV)/bin/pip install --quiet --upgrade pip
	$(TOOLS_VENV)/bin/pip install --quiet 'checkov>=3.2'
	touch $@

$(BUILD)/terraformrc: scripts/terraformrc.sh
	mkdir -p $(BUILD)
	scripts/terraformrc.sh > $@

# The root first: without a mirror it fills the plugin cache, which inits side by side may then only read.
# tests/*.tftest.hcl too: `terraform init` installs the modules their runs source.
$(BUILD)/.terraform-init: $(BUILD)/terraformrc $(wildcard *.tf modules/*/*.tf examples/*/*.tf tests/fixtures/*/*.tf tests/*.tftest.hcl)
	terraform init -backend=false -input=false -no-color > /dev/null
	printf '%s\n' $(filter-out .,$(TF_DIRS)) | xargs -P $(TF_JOBS) -I{} terraform -chdir={} init -backend=false -input=false -no-color > /dev/null
	touch $@

# The zips are committed: a consumer that sources the module from git gets them with no build step.
build: $(VENV)/.local-installed ## Build the Lambda zips (deterministic) into functions/dist; commit them
	$(PY) scripts/build_lambda.py --output $(DIST)

format: $(VENV)/.installed ## Format Terraform and Python in place
	terraform fmt -recursive
	$(VENV)/bin/ruff format --config functions/pyproject.toml $(PY_SOURCES)
	$(VENV)/bin/ruff check --config functions/pyproject.toml --fix $(PY_SOURCES)

# Each directory's result on one line, and its diagnostics under it when it fails.
validate: $(BUILD)/.terraform-init ## terraform fmt -check and validate (root, modules, examples, fixtures)
	terraform fmt -check -recursive -diff
	printf '%s\n' $(TF_VALIDATE) | xargs -P $(TF_JOBS) -I{} sh -c \
		'if out=$$(terraform -chdir="$$1" validate -no-color 2>&1); then echo "terraform validate $$1: ok"; \
		 else printf "terraform validate %s: FAILED\n%s\n" "$$1" "$$out"; exit 1; fi' validate {}

# Three checkers that each keep one core busy, side by side; --output-sync prints each one's output whole.
lint: setup ## fmt, validate, ruff, mypy, checkov
	$(MAKE) --no-print-directory -j 3 --output-sync=target validate lint-python checkov

lint-python: $(VENV)/.installed
	$(VENV)/bin/ruff check --config functions/pyproject.toml $(PY_SOURCES)
	$(VENV)/bin/ruff format --check --config functions/pyproject.toml $(PY_SOURCES)
	$(VENV)/bin/mypy --config-file functions/pyproject.toml $(PY_SOURCES)
	$(PY) scripts/docs.py --check
	$(PY) scripts/build_lambda.py --check --output $(DIST)

checkov: $(TOOLS_VENV)/.installed
	$(TOOLS_VENV)/bin/checkov --config-file .checkov.yaml

# Fake credentials: the provider must be configurable, and no test reaches AWS.
test-terraform: build $(BUILD)/.terraform-init ## terraform test: plan-level assertions and input contracts
	AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE AWS_SECRET_ACCESS_KEY=fake AWS_SESSION_TOKEN= AWS_PROFILE= \
		$(PY) scripts/terraform_test.py --jobs $(TF_TEST_JOBS)

# The external IAM evaluator the policy tests ask (Node.js; pinned by the committed lock file).
$(EVALUATOR)/node_modules/.installed: $(EVALUATOR)/package.json $(EVALUATOR)/package-lock.json
	@command -v npm > /dev/null || { echo "npm is missing: install Node.js 20+ and npm (Debian: apt-get install nodejs npm)" >&2; exit 1; }
	npm ci --prefix $(EVALUATOR) --no-audit --no-fund
	touch $@

test-unit: setup-runtime build ## The quick loop: Python unit tests only (no Terraform apply, no emulator)
	$(PYTEST) -n auto tests/unit

# .terraform-init first: it writes the lock files (and fills a plugin cache) that the workers' inits then only read.
test-python: system-deps setup build $(BUILD)/.terraform-init $(EVALUATOR)/node_modules/.installed ## pytest: unit and integration tests (IAM evaluator included) against the local emulator, side by side
	$(PYTEST) -n auto tests/unit
	$(PYTEST) -n $(PYTEST_WORKERS) --dist loadscope --no-loadscope-reorder tests/integration

# The demo runs inside test-python (tests/integration/test_demo.py checks its output): not twice.
test: system-deps lint test-terraform test-python ## Everything: lint, terraform test, pytest (the demo included)

# Opt-in and never part of `test`: deploys to the account SES_SMTP_ACCEPTANCE_ACCOUNT names (docs/acceptance.md).
test-aws: setup-runtime build ## The acceptance kit on real AWS: REGION=... DOMAIN=... ZONE_ID=... (costs cents)
	$(PY) -m tests.acceptance --target aws --region "$(REGION)" --domain "$(DOMAIN)" --route53-zone-id "$(ZONE_ID)"

demo: setup-demo build ## Deploy the module to the local emulator, show what a person needs, tear down
	$(PY) -m ses_smtp_local.demo

# Local hooks only (.pre-commit-config.yaml): no network. `.venv/bin/pre-commit install` runs them before each commit.
precommit: $(VENV)/.installed ## The pre-commit hooks on every file: terraform fmt and validate, ruff, the docs check
	$(VENV)/bin/pre-commit run --all-files

docs: $(VENV)/.installed ## Regenerate the README's inputs/outputs reference from the Terraform code
	$(PY) scripts/docs.py

bench: setup build ## Print the benchmark table and write build/bench.json
	$(PY) scripts/bench.py --output $(BUILD)/bench.json

clean: ## Remove build output and Terraform working directories
	rm -rf $(BUILD) .pytest_cache .mypy_cache .ruff_cache
	find . -name .terraform -type d -prune -exec rm -rf {} +
