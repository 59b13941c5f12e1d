# updguard — the front door. `make` builds, `make test` runs every test
# (normal and ASan+UBSan builds), `make demo` shows the tool on sample data.
# The build itself is Meson + Ninja; this file only drives it.

BUILD      ?= build
ASAN_BUILD ?= build-asan
FUZZ_BUILD ?= build-fuzz
BENCH_BUILD ?= build-bench
PREFIX     ?= /usr/local
DESTDIR    ?=
FUZZ_SECONDS ?= 60
MESON      ?= meson

# Debian 12 packages the build, tests, fuzzing, lint and benchmarks need.
DEB_PKGS := meson ninja-build pkg-config gcc clang libclang-rt-14-dev \
	libcmocka-dev libarchive-dev libjansson-dev libyaml-dev libpcre2-dev libvectorscan-dev libsqlite3-dev \
	zlib1g-dev libzstd-dev libbz2-dev liblzma-dev libzip-dev libssl-dev \
	tzdata jq python3 python3-evtx libevtx-utils clang-format clang-tidy cppcheck \
	gzip bzip2 xz-utils zstd zip unzip bc time sqlite3 chromium nodejs

SOURCES = $(shell git ls-files '*.c' '*.h' 2>/dev/null || find include lib cli tests bench -name '*.[ch]')

.PHONY: all deps npm-deps build test test-normal test-asan demo bench fuzz format lint install clean

all: build

deps:
	@missing=""; for p in $(DEB_PKGS); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ]; then \
	  echo "make deps: installing:$$missing"; \
	  apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q $$missing >/dev/null; \
	else \
	  echo "make deps: missing Debian packages; run as root:"; \
	  echo "  apt-get update && apt-get install -y$$missing"; exit 1; \
	fi
	@$(MAKE) --no-print-directory npm-deps

# tests/browser: playwright-core (drives Debian's chromium; no browser is ever
# downloaded) and ajv, at the versions package-lock.json pins (Node.js >= 20:
# the machine image has it as the nodejs package; npm comes with it).
npm-deps:
	@if [ -d tests/browser/node_modules ] && [ tests/browser/node_modules -nt tests/browser/package-lock.json ]; then exit 0; fi; \
	if ! command -v npm >/dev/null; then \
	  echo "make deps: npm missing (Node.js 18+ with npm; Debian: apt-get install nodejs npm)"; exit 1; fi; \
	cd tests/browser && npm ci --no-audit --no-fund --ignore-scripts >/dev/null && touch node_modules

$(BUILD)/build.ninja:
	$(MESON) setup $(BUILD) --prefix=$(PREFIX)

build: deps $(BUILD)/build.ninja
	ninja -C $(BUILD)

$(ASAN_BUILD)/build.ninja:
	$(MESON) setup $(ASAN_BUILD) -Db_sanitize=address,undefined -Db_lundef=false \
	  -Dc_args=-fno-sanitize-recover=all -Dbuildtype=debug

test: deps
	@bash tools/run-tests.sh $(BUILD) $(ASAN_BUILD)

test-normal: build
	$(MESON) test -C $(BUILD) --print-errorlogs

test-asan: deps $(ASAN_BUILD)/build.ninja
	ninja -C $(ASAN_BUILD)
	$(MESON) test -C $(ASAN_BUILD) --print-errorlogs --timeout-multiplier 3

demo: build
	@bash tools/demo.sh $(BUILD)/updguard

bench: deps
	@test -f $(BENCH_BUILD)/build.ninja || $(MESON) setup $(BENCH_BUILD) -Dbuildtype=release -Dtests=false
	ninja -C $(BENCH_BUILD)
	@bash bench/run.sh $(BENCH_BUILD)

fuzz: deps
	@test -f $(FUZZ_BUILD)/build.ninja || CC=clang $(MESON) setup $(FUZZ_BUILD) -Dfuzzing=true \
	  -Db_sanitize=address,undefined -Db_lundef=false -Dbuildtype=debug
	ninja -C $(FUZZ_BUILD)
	@bash tools/run-fuzz.sh $(FUZZ_BUILD) $(FUZZ_SECONDS)

format:
	clang-format -i $(SOURCES)

lint: build
	@bash tools/lint.sh $(BUILD)

install: build
	$(MESON) configure $(BUILD) -Dprefix=$(PREFIX)
	DESTDIR=$(DESTDIR) $(MESON) install -C $(BUILD)

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(FUZZ_BUILD) $(BENCH_BUILD)
