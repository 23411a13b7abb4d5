# The commands a developer and CI run. Every target works offline once modules are downloaded.
GO          ?= go
STATICCHECK ?= honnef.co/go/tools/cmd/staticcheck@v0.8.2
EXAMPLES    := $(wildcard examples/*/irsa.yaml)
FUZZTIME    ?= 20s

.PHONY: build test lint bench golden examples check schema fuzz release release-snapshot image catalog

build: ## bin/irsagen
	$(GO) build -trimpath -o bin/irsagen ./cmd/irsagen

test: ## every test
	$(GO) test ./...

lint: ## formatting, vet, staticcheck
	@unformatted=$$(gofmt -l $$(git ls-files '*.go')); \
	  if [ -n "$$unformatted" ]; then echo "gofmt would change:"; echo "$$unformatted"; exit 1; fi
	$(GO) vet ./...
	$(GO) run $(STATICCHECK) ./...

bench: build ## speed and memory benchmarks: Go benchmarks, then whole processes; see docs/benchmarks.md
	$(GO) test -run '^$$' -bench . -benchmem ./...
	$(GO) run ./internal/synth/cmd/bench-process -bin bin/irsagen

golden: ## rewrite every golden file and example output (review the diff, say why in the commit)
	GOLDIE_UPDATE=true $(GO) test ./...
	$(MAKE) examples

examples: build
	@for cfg in $(EXAMPLES); do ./bin/irsagen generate -c $$cfg || exit 1; done

schema: ## regenerate schema/irsa.schema.json from the config types
	$(GO) run ./cmd/irsagen schema > schema/irsa.schema.json

check: examples ## regenerate examples/ and fail if git sees a change
	@if [ -n "$$(git status --porcelain -- examples schema)" ]; then \
	  git status --porcelain -- examples schema; git --no-pager diff -- examples schema | head -100; \
	  echo "examples/ or schema/ is stale: run make examples (or make schema) and commit"; exit 1; fi

fuzz: ## a short bounded run of every fuzz target (FUZZTIME=5m make fuzz for a longer one)
	$(GO) test -run '^$$' -fuzz '^FuzzLoad$$' -fuzztime $(FUZZTIME) -fuzzminimizetime 5s ./generator/config

release: ## archives for every platform and their checksums in dist/, from a clean tree tagged VERSION
	@test -n "$(VERSION)" || { echo "usage: make release VERSION=v1.2.3 (HEAD must be tagged)"; exit 1; }
	$(GO) run ./internal/release/cmd/release -version $(VERSION)

release-snapshot: ## the same archives for HEAD as an unpublished snapshot, in dist/
	$(GO) run ./internal/release/cmd/release -snapshot

image: release-snapshot ## the container image of the snapshot's Linux binaries (needs a Docker engine)
	docker buildx build --platform linux/amd64,linux/arm64 -t irsagen:snapshot .

PARTITION   ?= aws
CATALOG     := generator/catalog/data
catalog: ## refresh the catalog of AWS names: POLICIES=list-policies.json [PARTITION=aws-cn] and/or REGIONS=partitions.json DATE=YYYY-MM-DD SOURCE=...; see docs/catalog.md
	@if [ -z "$(POLICIES)$(REGIONS)" ]; then echo "give POLICIES=<aws iam list-policies --scope AWS output> and/or REGIONS=<partitions.json>: see docs/catalog.md"; exit 1; fi
	@if [ -n "$(POLICIES)" ]; then \
	  $(GO) run ./generator/catalog/cmd/catalog policies -partition $(PARTITION) < "$(POLICIES)" > $(CATALOG)/.new && \
	  mv $(CATALOG)/.new $(CATALOG)/managed-policies-$(PARTITION).txt || { rm -f $(CATALOG)/.new; exit 1; }; fi
	@if [ -n "$(REGIONS)" ]; then \
	  $(GO) run ./generator/catalog/cmd/catalog regions -date "$(DATE)" -source "$(SOURCE)" < "$(REGIONS)" > $(CATALOG)/.new && \
	  mv $(CATALOG)/.new $(CATALOG)/regions.txt || { rm -f $(CATALOG)/.new; exit 1; }; fi
	git diff --stat -- $(CATALOG)
