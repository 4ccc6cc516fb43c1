//! `bench-profile SIDE PAYLOAD ITERATIONS`: runs one side of `cargo bench-compare` on one payload
//! in a loop, for `valgrind --tool=callgrind`, whose instruction counts repeat on a noisy machine
//! where seconds do not. Everything outside [`measured`] is setup: profile with
//! `--toggle-collect='*measured*'` to count only the loop.

use std::hint::black_box;

use wecom_rooms_bench as b;

const SIDES: &[&str] = &[
    "ours_is_valid",
    "ours_validate",
    "jsonschema_runtime",
    "jsonschema_macro",
    "jsonschema_runtime_errors",
    "jsonschema_macro_errors",
    "ours_from_slice",
    "serde_from_slice",
    "ours_decode_validated",
    "value_jsonschema_from_value",
    "generator",
    "generator_build_script",
];

fn usage() -> ! {
    let payloads: Vec<&str> = b::payloads().iter().map(|p| p.name).collect();
    eprintln!(
        "usage: bench-profile SIDE PAYLOAD ITERATIONS\n  sides: {}\n  payloads: {}\n  (the sides `generator` (formatted) and `generator_build_script` (unformatted, as a build script runs it) take the number of $defs as PAYLOAD)",
        SIDES.join(", "),
        payloads.join(", ")
    );
    std::process::exit(2)
}

#[inline(never)]
fn measured(
    side: &str,
    payload: &b::Payload,
    validator: &jsonschema::Validator,
    iterations: u64,
) -> usize {
    let mut accepted = 0;
    for _ in 0..iterations {
        let ok = match side {
            "ours_is_valid" => b::ours_is_valid(black_box(&payload.value)),
            "ours_validate" => black_box(b::ours_validate(black_box(&payload.value))).is_valid(),
            "jsonschema_runtime" => {
                b::jsonschema_runtime_is_valid(validator, black_box(&payload.value))
            }
            "jsonschema_macro" => b::jsonschema_macro_is_valid(black_box(&payload.value)),
            "jsonschema_runtime_errors" => black_box(b::jsonschema_runtime_errors(
                validator,
                black_box(&payload.value),
            ))
            .is_empty(),
            "jsonschema_macro_errors" => {
                black_box(b::jsonschema_macro_errors(black_box(&payload.value))).is_empty()
            }
            "ours_from_slice" => black_box(b::ours_from_slice(black_box(&payload.bytes))).is_some(),
            "serde_from_slice" => {
                black_box(b::serde_from_slice(black_box(&payload.bytes))).is_some()
            }
            "ours_decode_validated" => {
                black_box(b::ours_decode_validated(black_box(&payload.bytes))).is_some()
            }
            "value_jsonschema_from_value" => black_box(b::value_jsonschema_from_value(
                validator,
                black_box(&payload.bytes),
            ))
            .is_some(),
            _ => usage(),
        };
        accepted += usize::from(ok);
    }
    accepted
}

#[inline(never)]
fn measured_generator(
    generate: fn(&std::path::Path) -> usize,
    dir: &std::path::Path,
    iterations: u64,
) -> usize {
    (0..iterations).map(|_| generate(black_box(dir))).sum()
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [side, payload, iterations] = args.as_slice() else {
        usage()
    };
    if !SIDES.contains(&side.as_str()) {
        usage()
    }
    let iterations: u64 = iterations.parse().unwrap_or_else(|_| usage());
    if let Some(generate) = match side.as_str() {
        "generator" => Some(b::generate as fn(&std::path::Path) -> usize),
        "generator_build_script" => {
            Some(b::generate_for_build_script as fn(&std::path::Path) -> usize)
        }
        _ => None,
    } {
        let defs: usize = payload.parse().unwrap_or_else(|_| usage());
        let dir =
            std::env::temp_dir().join(format!("wecom-rooms-bench-profile-{}", std::process::id()));
        b::write_synthetic_schema(&dir, defs).expect("writes the synthetic schema");
        // The generator recurses once per `$ref` in a chain: run it where the stack is deep.
        let bytes = std::thread::Builder::new()
            .stack_size(b::GENERATOR_STACK)
            .spawn({
                let dir = dir.clone();
                move || measured_generator(generate, &dir, iterations)
            })
            .expect("spawns the generator thread")
            .join()
            .expect("the generator thread finishes");
        let _ = std::fs::remove_dir_all(&dir);
        println!("generated {bytes} bytes");
        return;
    }
    let payloads = b::payloads();
    let Some(payload) = payloads.iter().find(|p| p.name == payload) else {
        usage()
    };
    let validator = b::runtime_validator();
    let accepted = measured(side, payload, &validator, iterations);
    println!(
        "{side} on {}: {accepted} of {iterations} accepted",
        payload.name
    );
}
