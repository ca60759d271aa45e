# The README's commands. Every target installs what it needs first, so `make demo` and `make test`
# work on a fresh Debian 12 machine with build-essential, cmake and git. `make demo` installs only
# the build packages and builds only the perfgate binary (tests and benchmarks are not configured
# until `make build`/`make test` asks for them); `make test` installs and builds everything.
SHELL := /bin/bash
JOBS ?= $(shell nproc)

# Debian packages, by what needs them. `deps` installs the missing ones (a no-op when present).
BUILD_PACKAGES := build-essential cmake ninja-build git pkg-config libfmt-dev nlohmann-json3-dev \
  libyaml-cpp-dev libcli11-dev libsqlite3-dev libpq-dev zlib1g-dev libssl-dev libboost-dev nodejs \
  libre2-dev libnghttp2-dev libc-ares-dev libcurl4-openssl-dev libprotobuf-dev libprotoc-dev protobuf-compiler \
  libsnappy-dev ccache
TEST_PACKAGES := libgtest-dev libgmock-dev googletest libbenchmark-dev python3 postgresql chromium influxdb prometheus procps \
  openssl curl nginx-light nghttp2-server nghttp2-client wrk python3-scipy python3-grpcio python3-protobuf \
  libgrpc++-dev protobuf-compiler-grpc
PACKAGES := $(BUILD_PACKAGES) $(TEST_PACKAGES)

.PHONY: deps deps-build build debug demo test test-unit asan tsan fuzz bench format format-check clean

# $(call install,PACKAGES): installs the missing ones (a no-op when all are present).
define install
	@missing=$$(for p in $(1); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "installing:" $$missing; \
	  export DEBIAN_FRONTEND=noninteractive; \
	  apt-get install -y -q $$missing >/dev/null 2>&1 || { apt-get update -q >/dev/null && apt-get install -y -q $$missing >/dev/null; }; \
	fi
	@# Debian's nodejs comes without npm (NodeSource's includes it): add Debian's npm only then.
	@command -v npm >/dev/null || { export DEBIAN_FRONTEND=noninteractive; apt-get install -y -q npm >/dev/null 2>&1 || { apt-get update -q >/dev/null && apt-get install -y -q npm >/dev/null; }; }
endef

deps:
	$(call install,$(PACKAGES))

deps-build:
	$(call install,$(BUILD_PACKAGES))

build/%/build.ninja:
	cmake --preset $* >/dev/null

# build/release configured by `make demo` has no tests or benchmarks: turn them back on.
build: deps build/release/build.ninja
	@if grep -q '^PERFGATE_BUILD_TESTS:BOOL=OFF' build/release/CMakeCache.txt; then \
	  cmake --preset release -DPERFGATE_BUILD_TESTS=ON -DPERFGATE_BUILD_BENCH=ON >/dev/null; fi
	cmake --build build/release -j $(JOBS)

debug: deps build/debug/build.ninja
	cmake --build build/debug -j $(JOBS)

# The demo needs the binary only: build packages, and the perfgate target (a fresh build/release
# is configured without tests and benchmarks, which need the test packages).
demo: deps-build
	@[ -f build/release/build.ninja ] || \
	  cmake --preset release -DPERFGATE_BUILD_TESTS=OFF -DPERFGATE_BUILD_BENCH=OFF >/dev/null
	cmake --build build/release -j $(JOBS) --target perfgate
	@bash scripts/demo.sh build/release/perfgate

test: build
	ctest --test-dir build/release -j $(JOBS) --output-on-failure

# The whole suite under AddressSanitizer + UBSan (preset asan: -O1 -g1, asserts on), without the
# `heavy` and `timing` tests (load- and clock-bound; they run in the release suite). CI runs it.
asan: deps build/asan/build.ninja
	cmake --build build/asan -j $(JOBS)
	ASAN_OPTIONS=detect_leaks=1 ctest --test-dir build/asan -j $(JOBS) --output-on-failure -LE "heavy|timing"

tsan: deps build/tsan/build.ninja
	cmake --build build/tsan -j $(JOBS)
	TSAN_OPTIONS=halt_on_error=1 ctest --test-dir build/tsan -j $(JOBS) --output-on-failure -LE "heavy|timing"

# Every libFuzzer target (target:corpus), each run for FUZZ_SECONDS on a scratch copy of its seed
# corpus (new inputs land in build/fuzz/corpus/, never in fuzz/corpus/). A finding stops the loop
# and leaves crash-*/timeout-*/oom-* beside the Makefile: add it to fuzz/corpus/<corpus>. UBSan
# findings stop it too (halt_on_error: the fuzz preset's UBSan would otherwise only print them).
FUZZ_SECONDS ?= 30
FUZZERS := plan_loader_fuzz:plan template_fuzz:template feeder_fuzz:feeder \
  response_fuzz:response results_reader_fuzz:results_reader gates_fuzz:gates \
  importers_fuzz:importers http1_request_fuzz:http1_request http1_response_fuzz:http1_response \
  cookie_jar_fuzz:cookie_jar grpc_framing_fuzz:grpc_framing http2_session_fuzz:http2_session

fuzz: deps build/fuzz/build.ninja
	cmake --build build/fuzz -j $(JOBS) --target $(foreach f,$(FUZZERS),$(firstword $(subst :, ,$(f))))
	@for f in $(FUZZERS); do name=$${f%%:*}; corpus=$${f##*:}; \
	  mkdir -p build/fuzz/corpus/$$corpus; echo "== $$name ($(FUZZ_SECONDS) s)"; \
	  UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
	  build/fuzz/fuzz/$$name -max_total_time=$(FUZZ_SECONDS) -timeout=10 -rss_limit_mb=2048 \
	    -print_final_stats=1 build/fuzz/corpus/$$corpus fuzz/corpus/$$corpus 2>&1 | \
	    grep -E "^(stat::number_of_executed_units|stat::peak_rss_mb|==[0-9]+==ERROR|SUMMARY)"; \
	  [ $${PIPESTATUS[0]} -eq 0 ] || exit 1; \
	done

bench: build
	@for b in build/release/bench/*_bench; do echo "== $$b"; $$b --benchmark_min_time=0.2; done

format:
	git ls-files '*.cc' '*.h' | xargs clang-format -i

format-check:
	git ls-files '*.cc' '*.h' | xargs clang-format --dry-run --Werror

clean:
	rm -rf build
