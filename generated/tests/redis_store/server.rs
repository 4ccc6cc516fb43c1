//! A `redis-server` of a test's own on a free loopback port, killed when dropped, and the one
//! place that decides what a test does when `redis-server` is not installed: print
//! `SKIPPED <test>: …` with the install line and pass, or, under `CI=true`, fail.

use std::io::{Read, Write};
use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The one line that installs what the tests need (Debian and Ubuntu).
pub const INSTALL: &str = "apt-get install redis-server";

/// A `redis-server` for the calling test, or, when none is installed, a `SKIPPED` line on
/// stderr and a return from the test (a panic under `CI=true`).
macro_rules! redis_server {
    () => {{
        fn here() {}
        let test = $crate::server::test_name(std::any::type_name_of_val(&here));
        match $crate::server::Server::start_for(&test) {
            Some(server) => server,
            None => return,
        }
    }};
}
pub(crate) use redis_server;

/// The test's name as the test harness prints it, from the type name of a function defined in
/// its body: `redis_store::faults::paused::{{closure}}::here` → `faults::paused`.
pub fn test_name(here: &str) -> String {
    let path = here.strip_suffix("::here").unwrap_or(here);
    let segments: Vec<_> = path
        .split("::")
        .skip(1)
        .filter(|s| *s != "{{closure}}")
        .collect();
    segments.join("::")
}

/// Whether this run is CI's (`CI=true`, as CI services set it), where nothing may be skipped.
fn under_ci() -> bool {
    std::env::var("CI").is_ok_and(|value| value.eq_ignore_ascii_case("true"))
}

/// Reports `test` as skipped, or fails it under CI.
fn missing(test: &str) {
    if under_ci() {
        panic!(
            "FAILED {test}: redis-server not on PATH, and CI=true allows no skipped test; \
             install with: {INSTALL}"
        );
    }
    let line = format!("SKIPPED {test}: redis-server not on PATH; install with: {INSTALL}");
    // Straight to the process's stderr: the test harness captures only `eprintln!`, and a
    // skip must be seen.
    let _ = writeln!(std::io::stderr(), "{line}");
}

/// A `redis-server` of this test's own, killed when dropped (also when the test fails, and
/// also while it is paused).
pub struct Server {
    child: Child,
    pub port: u16,
}

/// A loopback port nobody listens on (now).
pub fn free_port() -> u16 {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).expect("bind a loopback port");
    listener.local_addr().unwrap().port()
}

fn spawn(port: u16) -> std::io::Result<Child> {
    Command::new("redis-server")
        .args(["--port", &port.to_string(), "--bind", "127.0.0.1"])
        .args(["--save", "", "--appendonly", "no", "--daemonize", "no"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
}

impl Server {
    /// Starts a server for `test`, or reports it skipped (`None`) when none is installed.
    pub fn start_for(test: &str) -> Option<Server> {
        let port = free_port();
        let child = match spawn(port) {
            Ok(child) => child,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                missing(test);
                return None;
            }
            Err(e) => panic!("cannot start redis-server: {e}"),
        };
        let server = Server { child, port };
        server.wait_for_ping();
        Some(server)
    }

    fn wait_for_ping(&self) {
        let deadline = Instant::now() + Duration::from_secs(5);
        while !self.answers_ping() {
            assert!(
                Instant::now() < deadline,
                "redis-server on port {} did not answer PING within 5 s",
                self.port
            );
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    fn answers_ping(&self) -> bool {
        let Ok(mut stream) = TcpStream::connect((Ipv4Addr::LOCALHOST, self.port)) else {
            return false;
        };
        let _ = stream.set_read_timeout(Some(Duration::from_secs(1)));
        let mut reply = [0; 7];
        stream.write_all(b"PING\r\n").is_ok()
            && stream.read_exact(&mut reply).is_ok()
            && &reply == b"+PONG\r\n"
    }

    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}/0", self.port)
    }

    /// A plain connection, to look at the keys.
    pub async fn connection(&self) -> redis::aio::MultiplexedConnection {
        let client = redis::Client::open(self.url()).unwrap();
        client.get_multiplexed_async_connection().await.unwrap()
    }

    /// Kills the server and starts a new, empty one on the same port: every token and lock
    /// is gone, and every connection to the old one is dropped.
    pub fn restart(&mut self) {
        self.stop();
        self.child = spawn(self.port).expect("restart redis-server");
        self.wait_for_ping();
    }

    /// Kills the server for good (dropping does it too).
    pub fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// Stops the process (`SIGSTOP`): connections stay open and nothing is answered.
    pub fn pause(&self) {
        signal(&self.child, "-STOP");
    }

    /// Lets a paused process go on (`SIGCONT`).
    pub fn resume(&self) {
        signal(&self.child, "-CONT");
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Sends `signal` (`-STOP`, `-CONT`) to `child` with kill(1).
pub fn signal(child: &Child, signal: &str) {
    let status = Command::new("kill")
        .args([signal, &child.id().to_string()])
        .status()
        .expect("run kill");
    assert!(status.success(), "kill {signal} {} failed", child.id());
}
