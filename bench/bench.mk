# Benchmarks (never part of `make test`): `make bench` runs bench/run.sh, the
# whole harness (bare evhttp vs qingfeng-intake under wrk, the offline side,
# memory, a perf profile), in under 10 minutes; it writes bench/results/ and
# the table in docs/benchmarks.md. See docs/benchmarks.md for the knobs.
BENCH_TOOLS := $(B)/bench/bare $(B)/bench/qfbench $(B)/bench/bench_crypto $(B)/bench/bench_numbers

.PHONY: bench-all bench-tools
bench-tools: $(B)/bin/qingfeng-intake $(B)/bin/qingfeng-admin $(BENCH_TOOLS)

bench-all: bench-tools
	@B=$(B) sh bench/run.sh

bench: bench-all

# The oversight bundle of 100,000 cases: produce and verify (bench/oversight.sh).
.PHONY: bench-oversight
bench-oversight: bench-tools
	@B=$(B) sh bench/oversight.sh

# The report and status pages over a Tor-like link in chromium: bytes and time
# to a usable form and to a receipt (tests/web/bench-slow.mjs; docs/benchmarks.md).
.PHONY: bench-web
bench-web: all
	QF_BIN=$(B)/bin node tests/web/bench-slow.mjs

# The 件号 migration of an archive made before it (bench/bench_numbers.c): 50,000 cases.
.PHONY: bench-numbers
bench-numbers: $(B)/bench/bench_numbers
	@d=$$(mktemp -d) && $(B)/bench/bench_numbers "$$d/archive" 50000; rm -rf "$$d"
