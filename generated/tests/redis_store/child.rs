//! This test binary run again as a child process that plays one part of a test (holding a lock,
//! then crashing or stalling), with the part's entry point marked `#[ignore]` so that a plain
//! run lists it as ignored rather than passing it.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::Duration;

/// A child process, killed when dropped (also when the test fails).
pub struct KillOnDrop(pub Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Runs the ignored test `entry` of this binary in a child process with `env` set, and gives
/// its stdout line by line.
pub fn spawn(entry: &str, env: (&str, &str)) -> (KillOnDrop, Receiver<String>) {
    let mut child = KillOnDrop(
        Command::new(std::env::current_exe().unwrap())
            .args(["--exact", entry, "--ignored", "--nocapture"])
            .args(["--test-threads", "1"])
            .env(env.0, env.1)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let stdout = child.0.stdout.take().unwrap();
    let (sender, lines) = channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if sender.send(line).is_err() {
                return;
            }
        }
    });
    (child, lines)
}

/// Waits (at most 20 s) for a line of `lines` that contains `marker`, and returns it.
pub fn wait_for(lines: &Receiver<String>, marker: &str) -> String {
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    loop {
        let left = deadline.saturating_duration_since(std::time::Instant::now());
        match lines.recv_timeout(left) {
            Ok(line) if line.contains(marker) => return line,
            Ok(_) => {}
            Err(e) => panic!("the child process never printed {marker:?}: {e}"),
        }
    }
}
