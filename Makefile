# zhuqi — the two commands a newcomer needs are `make run` and `make test`.
.PHONY: run dev test bench reliability setup setup-test build release clean-data fmt

export DATABASE_URL ?= sqlite://data/zhuqi.db?mode=rwc

## Set up, build the optimised site (what phones get), migrate, load the demo province if the
## database is empty, serve on :3000.
run: release
	ZHUQI_DEMO=1 ./target/release/zhuqi serve

## The same with a quick unoptimised build, while working on the code.
dev: setup
	cargo leptos build
	ZHUQI_DEMO=1 ./target/debug/zhuqi serve

## Set up everything the tests need, then run all of them (SQLite, PostgreSQL, Chromium).
test: setup-test
	scripts/test.sh

## Benchmarks (not tests): optimised build, figures printed as a table. Needs PostgreSQL.
bench: setup
	scripts/bench.sh

## Reliability (not tests): SIGKILL of the server and a PostgreSQL restart under writers,
## schemathesis on the API, two instances sharing sessions and photos. Needs PostgreSQL.
reliability: setup
	scripts/reliability.sh

setup:
	scripts/setup.sh

setup-test:
	scripts/setup.sh test

build: setup
	cargo leptos build

## An optimised build (smaller WASM for phones): target/release/zhuqi with target/site.
release:
	scripts/setup.sh release
	PATH="$(CURDIR)/.tools/node_modules/.bin:$$PATH" cargo leptos build --release --precompress

## Forget the local SQLite database (the next `make run` reloads the demo data).
clean-data:
	rm -rf data

fmt:
	cargo fmt --all
