# platform.ops: build, package and test the collection.
#
#   make build       binary for this controller + build/collections for ANSIBLE_COLLECTIONS_PATH
#   make collection  binaries for all platforms + dist/platform-ops-<version>.tar.gz
#   make test        everything CI runs (installs missing Debian packages first)
#   make fuzz        every module's fuzz target for FUZZTIME (2m) each
#   make demo        emulator + playbooks/demo.yml: changed, ok, --check --diff, ok
#   make lint        ansible-lint (production profile) over the collection
#   make docs        regenerate plugins/ docs, action files and meta/runtime.yml
#   make emulator    build/kong-emulator
#   make bench       kong_service vs ansible.builtin.uri, ms per task (bench-ssh: over SSH)
#   make bench-bulk  kong_declarative vs deck sync vs a module loop, 3,000 and 10,002 entities

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := build

# Resolve Go before PATH is changed below: Ansible must run on Debian's
# /usr/bin/python3 (the python3 first on a developer's PATH may lack ansible).
GO := $(or $(shell command -v go 2>/dev/null),$(wildcard /usr/local/go/bin/go),go)
export PATH := /usr/bin:/bin:/usr/sbin:/sbin:$(PATH)
export ANSIBLE_NOCOLOR := 1
export ANSIBLE_FORCE_COLOR := 0

GOOS := $(shell $(GO) env GOOS 2>/dev/null)
GOARCH := $(shell $(GO) env GOARCH 2>/dev/null)
PLATFORMS := linux_amd64 linux_arm64 darwin_amd64 darwin_arm64
VERSION := $(shell sed -n 's/^version: *//p' galaxy.yml)
MAIN_PKG := ./modules-src/cmd/platform-ops
HOST_BINARY := binaries/platform_ops_$(GOOS)_$(GOARCH)
# Every file under modules-src: Go code and anything it embeds.
GO_SOURCES := $(shell find modules-src -type f 2>/dev/null) go.mod go.sum
COLLECTIONS := build/collections
COLLECTION_LINK := $(COLLECTIONS)/ansible_collections/platform/ops
# ansible-test refuses a symlinked working directory: it gets a real copy.
TEST_TREE := build/ansible-test/ansible_collections/platform/ops
ARTIFACT := dist/platform-ops-$(VERSION).tar.gz
MAX_ARTIFACT_BYTES := 20000000
ANSIBLE_TEST := ansible-test
PYTHON_VERSION := 3.11

.PHONY: all build collection docs emulator deps test vet fmt-check staticcheck unit race fuzz fuzz-short fuzz-run conformance \
	sanity units lint test-installed integration integration-local integration-ssh test-tree demo bench bench-bulk bench-ssh clean

all: build

# --- build -------------------------------------------------------------------

# One static, stripped, reproducible multi-call binary per platform.
binaries/platform_ops_%: $(GO_SOURCES)
	@mkdir -p binaries
	@plat='$*'; echo "go build $$plat"; \
	CGO_ENABLED=0 GOOS=$${plat%_*} GOARCH=$${plat#*_} \
		$(GO) build -trimpath -buildvcs=false -ldflags '-s -w' -o $@ $(MAIN_PKG)

# SHA256SUMS lists every binary present; the cache strategy verifies against it.
define write_sums
	cd binaries && rm -f SHA256SUMS && sha256sum platform_ops_* > SHA256SUMS.tmp && mv SHA256SUMS.tmp SHA256SUMS
endef

build: $(HOST_BINARY)
	@$(write_sums)
	@mkdir -p $(dir $(COLLECTION_LINK))
	@ln -sfn ../../../.. $(COLLECTION_LINK)
	@echo "built $(HOST_BINARY); use ANSIBLE_COLLECTIONS_PATH=$(CURDIR)/$(COLLECTIONS)"

collection: $(addprefix binaries/platform_ops_,$(PLATFORMS))
	@rm -f binaries/platform_ops_*.tmp
	@$(write_sums)
	@mkdir -p dist && rm -f $(ARTIFACT)
	umask 022 && ansible-galaxy collection build --force --output-path dist . >/dev/null
	@size=$$(stat -c %s $(ARTIFACT)); \
	echo "$(ARTIFACT): $$size bytes"; \
	if [ "$$size" -ge $(MAX_ARTIFACT_BYTES) ]; then echo "artifact exceeds Galaxy's 20 MB limit" >&2; exit 1; fi
	@for p in $(PLATFORMS); do \
		mode=$$(tar -tvzf $(ARTIFACT) "./binaries/platform_ops_$$p" 2>/dev/null | cut -c1-10 || tar -tvzf $(ARTIFACT) "binaries/platform_ops_$$p" | cut -c1-10); \
		case "$$mode" in -rwx*) ;; *) echo "binaries/platform_ops_$$p lost its exec bit in $(ARTIFACT): '$$mode'" >&2; exit 1;; esac; \
	done
	@echo "exec bits kept for: $(PLATFORMS)"

docs:
	$(GO) run ./modules-src/cmd/gendocs

emulator: build/kong-emulator

build/kong-emulator: $(shell find tests/kongemu -type f -not -path '*/testdata/*' 2>/dev/null) go.mod go.sum
	@mkdir -p build
	$(GO) build -o $@ ./tests/kongemu/cmd/kong-emulator

# --- dependencies ------------------------------------------------------------

deps:
	@bash .ci/deps.sh

# --- tests -------------------------------------------------------------------

# In this order; each stage's seconds are printed at the end so a slow one
# shows in CI's log (make test must stay well under 15 minutes). Each stage
# is one make run; stages joined by + share one, so that a prerequisite they
# share (the release tarball: ansible-galaxy, ~15 s) is built once.
TEST_STAGES := deps vet fmt-check staticcheck unit race fuzz-short conformance sanity units lint integration \
	test-installed+awx awx-deploy matrix

test:
	@begin=$$EPOCHREALTIME; times=""; \
	for stage in $(TEST_STAGES); do \
		start=$$EPOCHREALTIME; \
		$(MAKE) --no-print-directory $${stage//+/ }; \
		times="$$times $$stage $$(awk "BEGIN { printf \"%.0f\", $$EPOCHREALTIME - $$start }")s"; \
	done; \
	echo "make test: all green in $$(awk "BEGIN { printf \"%.0f\", $$EPOCHREALTIME - $$begin }") s:$$times"

vet:
	$(GO) vet ./...

fmt-check:
	@out=$$(gofmt -l $$(git ls-files -co --exclude-standard -- '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

# Pinned by .ci/deps.sh (make deps).
staticcheck:
	build/tools/staticcheck ./...

unit:
	$(GO) test ./...

# The short suite (-short skips the slowest cases) under the race detector,
# of the packages that run goroutines: the Kong engine and kong_declarative's
# workers, the module runtime (signals, timeouts), mapr_clusterid's
# interruption handling and the emulator. (The whole tree doubles the cold
# compile of make test for packages with nothing concurrent in them.)
RACE_PACKAGES := ./modules-src/internal/... ./modules-src/modules/kong_declarative/... \
	./modules-src/modules/mapr_clusterid/... ./modules-src/modules/all/... ./tests/kongemu/...
race:
	$(GO) test -race -short $(RACE_PACKAGES)

# One fuzz target per module (modules-src/modules/all/fuzz_test.go): every
# argument document gives one JSON object whose keys no masking rewrote.
# make test runs each for FUZZEXECS executions, make fuzz for FUZZTIME each.
# make test counts executions rather than seconds: with a duration, Go's
# fuzz coordinator (internal/fuzz CoordinateFuzzing, go1.26) can report its
# own deadline as a failure ("context deadline exceeded": its stop() compares
# the error with the child context's before that child is cancelled), which
# failed CI once on the slow MapR targets. A count has no deadline to race.
# The last progress line of each target gives its executions.
# Every target of fuzz_test.go (a test there demands one per module).
FUZZ_TARGETS := $(shell sed -n 's/^func \(Fuzz[A-Za-z0-9]*\)(f \*testing.F).*/\1/p' modules-src/modules/all/fuzz_test.go)
FUZZEXECS ?= 2000
FUZZTIME ?= 2m

fuzz-short:
	@$(MAKE) --no-print-directory fuzz-run FUZZLIMIT=$(FUZZEXECS)x

fuzz:
	@$(MAKE) --no-print-directory fuzz-run FUZZLIMIT=$(FUZZTIME)

fuzz-run:
	@for t in $(FUZZ_TARGETS); do \
		start=$$EPOCHREALTIME; \
		out=$$($(GO) test ./modules-src/modules/all -run '^$$' -fuzz "^$$t\$$" -fuzztime $(FUZZLIMIT) 2>&1) || { echo "$$out"; exit 1; }; \
		echo "$$t: $$(echo "$$out" | grep -o 'execs: [0-9]*' | tail -n 1) in $$(awk "BEGIN { printf \"%.1f\", $$EPOCHREALTIME - $$start }") s (-fuzztime $(FUZZLIMIT))"; \
	done

conformance:
	bash tests/kongemu/conformance.sh

# A real (non-symlinked) copy of the collection as git sees it, plus the
# git-ignored binaries; ansible-test runs there.
test-tree:
	@rm -rf $(TEST_TREE) && mkdir -p $(TEST_TREE)
	@git ls-files -z -co --exclude-standard | tar --null --ignore-failed-read -T - -cf - 2>/dev/null | tar -xf - -C $(TEST_TREE)
	@if [ -d binaries ]; then cp -a binaries $(TEST_TREE)/; fi
	@# its own git repo, or ansible-test would list files from the enclosing checkout
	@git -C $(TEST_TREE) init -q

sanity: test-tree
	@bash tests/sanity/seed-sanity-venvs.sh $(PYTHON_VERSION)
	cd $(TEST_TREE) && $(ANSIBLE_TEST) sanity --local --python $(PYTHON_VERSION) --color no

# ansible-lint over playbooks, roles and test targets (.ansible-lint). The
# doc-only module stubs have no argument spec for its args rule: the Go
# runtime validates arguments (and is tested against ansible-core's own).
lint: build
	ANSIBLE_COLLECTIONS_PATH=$(CURDIR)/build/collections ansible-lint --nocolor

# Python unit tests of the dispatching action plugin (tests/unit).
units: test-tree
	cd $(TEST_TREE) && $(ANSIBLE_TEST) units --local --python $(PYTHON_VERSION) --color no

# Integration runs against the built binary and the emulator; a missing
# piece fails (nothing is skipped).
integration: integration-local integration-ssh

integration-local:
	@$(MAKE) --no-print-directory build emulator test-tree
	bash tests/integration/run-local.sh $(TEST_TREE)

integration-ssh:
	@$(MAKE) --no-print-directory build emulator
	bash tests/ssh/run.sh

# --- ansible-core matrix, AWX ----------------------------------------------

# Newest ansible-core make test also runs on (Debian's 2.14 is the first leg):
# units, every integration target, the SSH dispatch tests and the demo
# (tests/matrix/run.sh). meta/runtime.yml's requires_ansible follows it (a Go
# test checks). Its source tarball is looked up in ../shared/ansible-core.
ANSIBLE_CORE_MATRIX := 2.18

.PHONY: matrix
matrix: build emulator test-tree
	@for v in $(ANSIBLE_CORE_MATRIX); do bash tests/matrix/run.sh $$v; done

# AWX: the credential type and execution-environment.yml checked against
# AWX's and ansible-builder's schemas, the awx.awx setup playbook
# syntax-checked, and the demo and a MapR playbook run as AWX runs a job
# (ansible-runner, private data dir, credential injected as environment).
.PHONY: awx awx-check awx-job
awx: awx-check awx-job

awx-check:
	/usr/bin/python3 -m pytest -q -p no:cacheprovider tests/awx/test_awx_definitions.py
	cd awx && ansible-playbook --syntax-check setup_demo.yml

awx-job: collection emulator
	/usr/bin/python3 tests/awx/runner_job.py --tarball $(ARTIFACT) --emulator build/kong-emulator --go $(GO)

# The awx_deploy role's AWX custom resources (defaults, the seed's Rancher
# example, edge cases) validated with kubeconform against the awx-operator's
# CRD; wrongly-typed resources and bad role input refused (tests/awx_deploy).
.PHONY: awx-deploy
awx-deploy: deps build
	@bash tests/awx_deploy/run.sh build/tools/kubeconform

# --- demo and benchmark ------------------------------------------------------

demo: deps build emulator
	@bash tests/integration/demo.sh

# The release tarball, installed with ansible-galaxy into a temporary path:
# exec bits, SHA256SUMS, ansible-doc of every module, and the demo from there.
test-installed: collection emulator
	@bash tests/integration/installed.sh $(ARTIFACT)

bench: deps build emulator
	@bash tests/bench/kong_service_vs_uri.sh

# kong_declarative vs deck sync vs a loop of modules, 3,000 and 10,002
# entities (minutes; not part of make test).
bench-bulk: deps build emulator
	@bash tests/bench/bulk.sh $(BULK_SIZES)

# Needs root, like integration-ssh (throwaway sshd and users).
bench-ssh: deps build emulator
	@bash tests/bench/ssh_strategies.sh

clean:
	rm -rf build dist binaries tests/output
