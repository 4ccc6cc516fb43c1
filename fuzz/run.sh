#!/usr/bin/env bash
# Runs one cargo-fuzz target for a given time: fuzz/run.sh TARGET SECONDS [libFuzzer options...]
#
# Targets: validate, decode, check, generate, har, jsonl, traffic, sim_request, sim_state (see
# fuzz_targets/). The corpus of a target lives in fuzz/corpus/TARGET (not committed); on each run
# it is topped up with seeds from the repository: the fixtures and the schemas' examples for the
# instance targets, our schemas and codegen's test schemas for `generate`, and, where the
# JSON-Schema-Test-Suite has been fetched into target/json-schema-test-suite (see suite/), its
# schemas and instances. The capture targets get captures made of the fixtures (each endpoint's
# valid request beside its valid and invalid responses, as JSON Lines with bodies as objects and
# as strings, and as HAR with text and base64 bodies); `sim_request` gets the fixtures' requests
# in its input format; `sim_state` the example state and variations of it.
#
# cargo-fuzz needs nightly compiler flags; RUSTC_BOOTSTRAP=1 lets the stable toolchain accept
# them. The sanitizer is off by default (the code under test forbids `unsafe`; throughput matters
# more): FUZZ_SANITIZER=address turns AddressSanitizer on. Crashes land in fuzz/artifacts/TARGET.
set -euo pipefail

if [ $# -lt 2 ]; then
    echo "usage: fuzz/run.sh TARGET SECONDS [libFuzzer options...]" >&2
    echo "targets: validate decode check generate har jsonl traffic sim_request sim_state" >&2
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
import base64, hashlib, json, os, pathlib, re, sys

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

def route_paths():
    """The family's paths in the order of the generated ROUTES (the sim_request input's index)."""
    text = (root / "generated" / "src" / "schemas" / "mod.rs").read_text(encoding="utf-8")
    start = text.index("pub static ROUTES")
    modules = re.findall(r'Route::new\(\s*"\w+",\s*([\w:]+)::request::ENDPOINT', text[start:])
    return ["/cgi-bin/" + module.replace("::", "/") for module in modules]

CREATE = json.dumps({"admin_userid": "zhangsan", "title": "fuzz", "meeting_start": 1893456000,
                     "meeting_duration": 3600}).encode()

def captures():
    """Exchanges made of the fixtures: each endpoint's first valid request with each response."""
    fixtures = root / "tests" / "fixtures"
    for request_dir in sorted(fixtures.glob("**/request")):
        api = "/cgi-bin/" + str(request_dir.parent.relative_to(fixtures))
        requests = sorted((request_dir / "valid").glob("*.json"))
        responses = sorted((request_dir.parent / "response").glob("*/*.json"))
        if not requests:
            continue
        sent = requests[0].read_bytes()
        get = api.endswith("gettoken")
        url = api + ("?corpid=ww0123456789abcdef&corpsecret=s3cret" if get else "?access_token=t0ken")
        lines, strings, entries = [], [], []
        for response in responses:
            got = response.read_bytes()
            try:
                sent_value, got_value = json.loads(sent), json.loads(got)
            except ValueError:
                continue
            lines.append(json.dumps({"method": "GET" if get else "POST", "url": url,
                                     "request_body": None if get else sent_value,
                                     "response_body": got_value}, ensure_ascii=False))
            strings.append(json.dumps({"method": "GET" if get else "POST", "url": url,
                                       "request_body": None if get else sent.decode("utf-8", "replace"),
                                       "response_body": got.decode("utf-8", "replace")}, ensure_ascii=False))
            entry = {"request": {"method": "GET" if get else "POST", "url": "https://example.invalid" + url,
                                 "headers": [], "queryString": []},
                     "response": {"status": 200, "headers": [],
                                  "content": {"mimeType": "application/json", "text": got.decode("utf-8", "replace")}}}
            if not get:
                entry["request"]["postData"] = {"mimeType": "application/json", "text": sent.decode("utf-8", "replace")}
            entries.append(entry)
            encoded = json.loads(json.dumps(entry))
            encoded["response"]["content"] = {"mimeType": "application/json", "encoding": "base64",
                                              "text": base64.b64encode(got).decode()}
            entries.append(encoded)
        for group in (lines, strings):
            for start in range(0, len(group), 8):
                yield ("\n".join(group[start:start + 8]) + "\n").encode()
        for start in range(0, len(entries), 8):
            yield json.dumps({"log": {"version": "1.2", "entries": entries[start:start + 8]}},
                             ensure_ascii=False).encode()

if target == "generate":
    for pattern in ["schema/**/*.schema.json", "codegen/tests/schemas/*.json", "codegen/tests/broken/*.json"]:
        for path in sorted(root.glob(pattern)):
            seeds.append(b"\x00" + path.read_bytes())
            seeds.append(b"\x03" + path.read_bytes())
    for group in suite_cases():
        text = json.dumps(group["schema"], ensure_ascii=False).encode()
        seeds.append(b"\x00" + text)
        seeds.append(b"\x01" + text)
elif target in ("har", "jsonl", "traffic"):
    for capture in captures():
        seeds.append(capture)
elif target == "sim_request":
    routes = route_paths()
    for path in sorted(root.glob("tests/fixtures/**/request/*/*.json")):
        api = "/cgi-bin/" + str(path.parent.parent.parent.relative_to(root / "tests" / "fixtures"))
        if api not in routes:
            continue
        # POST with this input's token; a create first, so that a meeting exists.
        create = b"\x05" + bytes([routes.index("/cgi-bin/meeting/create")]) + CREATE
        seeds.append(b"\x05" + bytes([routes.index(api)]) + path.read_bytes().replace(b"\x00", b""))
        seeds.append(create + b"\x00\x05" + bytes([routes.index(api)]) + path.read_bytes().replace(b"\x00", b""))
elif target == "sim_state":
    state = json.loads((root / "sim" / "examples" / "seed.json").read_text(encoding="utf-8"))
    seeds.append(json.dumps(state, ensure_ascii=False).encode())
    for member in list(state):
        smaller = dict(state)
        del smaller[member]
        seeds.append(json.dumps(smaller, ensure_ascii=False).encode())
    faulty = dict(state, faults={"error_rate": 0.5, "drop_rate": 0.2, "delay_rate": 0.5, "delay_ms": 5,
                                 "rate_limit": {"calls": 2, "window_secs": 60}, "token_lifetime_secs": 10})
    seeds.append(json.dumps(faulty, ensure_ascii=False).encode())
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
