# Fuzzing, stress and Valgrind targets (included by the Makefile; see docs/testing.md).
#
#   make fuzz [SECONDS=N] [FUZZ=name ...]  each harness for N seconds (default 60), new
#                                          inputs kept in $(BUILD)/fuzz/work/<name>
#   make fuzz-smoke                        every harness over its committed corpus, then a
#                                          few seconds of fuzzing (part of `make test`)
#   make fuzz-merge                        folds the work corpora into tests/fuzz/corpus/
#   make stress                            the long fault and flood runs (tests/stress/)
#   make valgrind                          the unit suites and the integration scripts
#                                          under Valgrind memcheck
#
# The harnesses are built with clang's libFuzzer and ASan+UBSan from the project's
# sources, into $(BUILD)/fuzz/ (their own objects: the main build is untouched).

FUZZ_CC ?= clang
FZ := $(BUILD)/fuzz
SECONDS ?= 60
FUZZ_SMOKE_SECONDS ?= 2
FUZZ_SANITIZE := -fsanitize=address,undefined -fno-sanitize-recover=all
FUZZ_CFLAGS = -std=c11 -D_DEFAULT_SOURCE -D_POSIX_C_SOURCE=200809L -g -O1 \
              -fno-omit-frame-pointer $(FUZZ_SANITIZE) $(WARN) -I. -I$(GEN) $(PKG_CFLAGS) $(ADMIN_CFLAGS)
FUZZ_LIB_SRC = $(CRYPTO_SRC) $(STORE_SRC) $(INTAKE_SRC) $(ADMIN_SRC) $(REPORT_SRC)
FUZZ_LIB_OBJ = $(patsubst %.c,$(FZ)/obj/%.o,$(FUZZ_LIB_SRC))
FUZZ_ALL := $(patsubst tests/fuzz/fuzz_%.c,%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ ?= $(FUZZ_ALL)
FUZZ_BINS = $(patsubst %,$(FZ)/fuzz_%,$(FUZZ_ALL))
# Options for every run: quiet targets (libFuzzer keeps its own output and the
# sanitizer reports), a per-input time limit, and a memory limit.
FUZZ_RUN_OPTS = -close_fd_mask=3 -timeout=25 -rss_limit_mb=3072 -print_final_stats=1
# Per-harness options: the longest input worth trying.
FUZZ_OPTS_envelope := -max_len=300000
FUZZ_OPTS_http := -max_len=100000
FUZZ_OPTS_ingest := -max_len=200000
FUZZ_OPTS_import := -max_len=100000
FUZZ_OPTS_store := -max_len=20000
FUZZ_OPTS_reply := -max_len=100000
FUZZ_OPTS_show := -max_len=100000
FUZZ_OPTS_oversee := -max_len=100000
FUZZ_OPTS_metastrip := -max_len=20000
# The HTTP harness runs the server's clock (rate limits, proof-of-work expiry).
FUZZ_LDFLAGS_http := -Wl,--wrap=time

.PHONY: fuzz fuzz-build fuzz-smoke fuzz-merge fuzz-seeds stress stress-ci valgrind

$(FZ)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	@[ "$(V)" = 1 ] || echo "  FUZZCC  $<"
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -MMD -MP -c $< -o $@

$(FZ)/obj/report/metastrip.o: $(GEN)/metastrip_allow.h

$(FZ)/libqffuzz.a: $(FUZZ_LIB_OBJ)
	@rm -f $@
	$(Q)ar rcs $@ $^

$(FZ)/fuzz_%: $(FZ)/obj/tests/fuzz/fuzz_%.o $(FZ)/obj/tests/fuzz/fuzz.o $(FZ)/libqffuzz.a
	@[ "$(V)" = 1 ] || echo "  FUZZLD  $@"
	$(Q)$(FUZZ_CC) -fsanitize=fuzzer $(FUZZ_SANITIZE) -o $@ $^ $(PKG_LIBS) $(ADMIN_LIBS) $(FUZZ_LDFLAGS_$*)

# keep the harness objects (make would delete them as intermediates)
.SECONDARY: $(patsubst %,$(FZ)/obj/tests/fuzz/fuzz_%.o,$(FUZZ_ALL)) $(FZ)/obj/tests/fuzz/fuzz.o

fuzz-build: $(FUZZ_BINS)

# make fuzz SECONDS=N: each harness (or those named in FUZZ=...) for N seconds.
define fuzz_one
	@mkdir -p $(FZ)/work/$(1) $(FZ)/artifacts $(FZ)/logs tests/fuzz/corpus/$(1)
	@echo "== fuzz $(1) for $(SECONDS)s (log: $(FZ)/logs/$(1).log)"
	@$(FZ)/fuzz_$(1) $(FUZZ_RUN_OPTS) $(FUZZ_OPTS_$(1)) -max_total_time=$(SECONDS) \
	  -artifact_prefix=$(FZ)/artifacts/$(1)- $(FZ)/work/$(1) tests/fuzz/corpus/$(1) \
	  >$(FZ)/logs/$(1).log 2>&1 || { tail -n 60 $(FZ)/logs/$(1).log; exit 1; }
	@grep -E '^(#[0-9]+.*DONE|stat::number_of_executed_units|stat::peak_rss_mb)' \
	  $(FZ)/logs/$(1).log || true

endef
fuzz: $(FUZZ_BINS)
	$(foreach h,$(FUZZ),$(call fuzz_one,$(h)))

# The committed corpus (with every past crash) is replayed, then a short run.
fuzz-smoke: $(FUZZ_BINS)
	@fail=0; $(foreach h,$(FUZZ),sh tests/fuzz/smoke.sh $(FZ) $(FUZZ_SMOKE_SECONDS) $(h) \
	  $(FUZZ_OPTS_$(h)) || fail=1;) exit $$fail

# Keeps what the work corpora found, minimised, in the committed corpus.
define merge_one
	@mkdir -p tests/fuzz/corpus/$(1)
	@[ ! -d $(FZ)/work/$(1) ] || $(FZ)/fuzz_$(1) $(FUZZ_RUN_OPTS) $(FUZZ_OPTS_$(1)) -merge=1 \
	  tests/fuzz/corpus/$(1) $(FZ)/work/$(1) 2>&1 | grep -E 'MERGE-OUTER: [0-9]+ new' || true

endef
fuzz-merge: $(FUZZ_BINS)
	$(foreach h,$(FUZZ),$(call merge_one,$(h)))

# Regenerates the harnesses' own seed inputs and the vectors' into tests/fuzz/corpus/.
fuzz-seeds: $(FUZZ_BINS)
	@sh tests/fuzz/mkcorpus.sh $(FZ)

stress: all
	@QF_BIN="$(CURDIR)/$(B)/bin" QF_ROOT="$(CURDIR)" sh tests/stress/run.sh

valgrind:
	@$(MAKE) --no-print-directory SAN=0 BUILD=$(BUILD) all
	@sh tests/stress/valgrind.sh $(BUILD)

-include $(shell find $(FZ)/obj -name '*.d' 2>/dev/null)
