#!/usr/bin/env bash
# Runs one cargo-fuzz target for a given time: fuzz/run.sh TARGET SECONDS [libFuzzer options...]
#
# Targets: validate, decode, check, generate (see fuzz_targets/). The corpus of a target lives in
# fuzz/corpus/TARGET (not committed); on each run it is topped up with seeds from the repository:
# the fixtures and the schemas' examples for the instance targets, our schemas and codegen's test
# schemas for `generate`, and, where the JSON-Schema-Test-Suite has been fetched into
# target/json-schema-test-suite (see suite/), its schemas and instances.
#
# cargo-fuzz needs nightly compiler flags; RUSTC_BOOTSTRAP=1 lets the stable toolchain accept
# them. The sanitizer is off by default (the code under test forbids `unsafe`; throughput matters
# more): FUZZ_SANITIZER=address turns AddressSanitizer on. Crashes land in fuzz/artifacts/TARGET.
set -euo pipefail

if [ $# -lt 2 ]; then
    echo "usage: fuzz/run.sh TARGET SECONDS [libFuzzer options...]" >&2
    echo "targets: validate decode check generate" >&2
    exit 2
fi
target=$1
seconds=$2
shift 2
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
corpus="$here/corpus/$target"
mkdir -p "$corpus"

if ! command -v cargo-fuzz >/dev/null 2>&1; then
    echo "cargo-fuzz is not installed: cargo install cargo-fuzz" >&2
    exit 2
fi

# Seeds, named by a hash of their content so that re-seeding adds nothing twice.
python3 - "$target" "$root" "$corpus" <<'PY'
import hashlib, json, os, pathlib, sys

target, root, corpus = sys.argv[1], pathlib.Path(sys.argv[2]), pathlib.Path(sys.argv[3])
suite = root / "target" / "json-schema-test-suite" / "json" / "tests" / "draft2020-12"
seeds = []

def suite_cases():
    if not suite.is_dir():
        print(f"(no JSON-Schema-Test-Suite under {suite}: run `cargo suite` once to fetch it)")
        return
    for path in sorted(suite.rglob("*.json")):
        try:
            groups = json.loads(path.read_text(encoding="utf-8"))
        except (ValueError, UnicodeDecodeError):
            continue
        for group in groups:
            yield group

if target == "generate":
    for pattern in ["schema/**/*.schema.json", "codegen/tests/schemas/*.json", "codegen/tests/broken/*.json"]:
        for path in sorted(root.glob(pattern)):
            seeds.append(b"\x00" + path.read_bytes())
            seeds.append(b"\x03" + path.read_bytes())
    for group in suite_cases():
        text = json.dumps(group["schema"], ensure_ascii=False).encode()
        seeds.append(b"\x00" + text)
        seeds.append(b"\x01" + text)
else:
    for path in sorted(root.glob("tests/fixtures/**/*.json")):
        seeds.append(path.read_bytes())
    for path in sorted(root.glob("schema/**/*.schema.json")):
        for example in json.loads(path.read_text(encoding="utf-8")).get("examples", []):
            seeds.append(json.dumps(example, ensure_ascii=False).encode())
    for group in suite_cases():
        for test in group.get("tests", []):
            seeds.append(json.dumps(test["data"], ensure_ascii=False).encode())

added = 0
for seed in seeds:
    name = corpus / ("seed-" + hashlib.sha1(seed).hexdigest())
    if not name.exists():
        name.write_bytes(seed)
        added += 1
print(f"corpus {corpus}: {added} seeds added, {sum(1 for _ in corpus.iterdir())} inputs")
PY

cd "$here"
case "$target" in
    generate) dict="$here/schema.dict" ;;
    *) dict="$here/json.dict" ;;
esac
export RUSTC_BOOTSTRAP=1
exec cargo fuzz run --sanitizer "${FUZZ_SANITIZER:-none}" "$target" "$corpus" -- \
    -max_total_time="$seconds" -rss_limit_mb=4096 -timeout=20 -dict="$dict" -print_final_stats=1 "$@"
