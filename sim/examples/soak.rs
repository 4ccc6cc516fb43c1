//! A bounded soak of the simulator: many concurrent clients drive every endpoint it serves over
//! loopback HTTP, with faults on, for a fixed time; then the state is checked.
//!
//! `cargo run --release -p wecom-rooms-sim --example soak -- [--secs N] [--clients N]`
//! (defaults: 300 s, 64 clients).
//!
//! Each client works for one of the two applications of the example state (plus eight more
//! bookable rooms): it creates meetings, books and releases rooms for them, moves and cancels
//! them, calls rooms, pages every listing, renews its token when it expires, and now and then
//! sends a request the simulator must refuse. The sim clock runs 60 times faster than real time,
//! so that tokens expire and meetings start and end during the run.
//!
//! It prints calls/s, p50/p99 latency, the process's RSS (server and clients together) at one
//! minute and at the end, calls per endpoint and refusals per errcode, and exits non-zero when an
//! invariant fails: a room held by two live meetings at overlapping times, a booking the clients
//! hold that the simulator lost (or one it has that no client holds), an errcode outside
//! `codes::ALL`, or an answer off its response schema.
//!
//! A dropped connection or a -1 is an answer lost, not a failure: the client counts it, and
//! whatever it changed is unknown until the client has read the state back.

use std::collections::{BTreeMap, BTreeSet};
use std::error::Error;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use hdrhistogram::Histogram;
use serde_json::{Value, json};
use wecom_rooms_sim::{
    DEFAULT_START, EXAMPLE_SEED, Endpoint, Faults, SeedState, SimClock, SimConfig, Simulator, codes,
};

const CORP: &str = "ww0123456789abcdef";
/// The example state's applications: (name, secret).
const APPS: [(&str, &str); 2] = [
    ("booking-bot", "booking-bot-secret"),
    ("calendar-sync", "calendar-sync-secret"),
];
/// A seeded meeting of each application, for the requests about another app's meeting.
const SEEDED: [&str; 2] = ["meeting-standup", "meeting-board"];
/// Sim seconds per real second: 300 s real are five hours on the sim clock.
const SIM_SPEED: u64 = 60;
/// Meetings a client keeps in play at once.
const POOL: usize = 3;
/// The extra rooms added to the example state.
const EXTRA_ROOMS: usize = 8;

type Fail = Box<dyn Error + Send + Sync>;

fn main() -> Result<(), Fail> {
    let (secs, clients) = parse_args()?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let passed = runtime.block_on(soak(secs, clients))?;
    if !passed {
        std::process::exit(1);
    }
    Ok(())
}

/// `--secs N` and `--clients N`, both optional.
fn parse_args() -> Result<(u64, usize), Fail> {
    let (mut secs, mut clients) = (300u64, 64usize);
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let value = args.next().ok_or_else(|| format!("{arg} needs a value"))?;
        match arg.as_str() {
            "--secs" => secs = value.parse().map_err(|e| format!("--secs {value}: {e}"))?,
            "--clients" => {
                clients = value
                    .parse()
                    .map_err(|e| format!("--clients {value}: {e}"))?;
            }
            _ => return Err(format!("unknown argument {arg} (--secs N, --clients N)").into()),
        }
    }
    if secs == 0 || clients == 0 {
        return Err("--secs and --clients must be at least 1".into());
    }
    Ok((secs, clients))
}

/// The example state with `EXTRA_ROOMS` more bookable, callable rooms (each answering calls its
/// own way), so that a room listing takes pages and bookings spread.
fn state() -> Result<SeedState, Fail> {
    let mut seed: Value = serde_json::from_str(EXAMPLE_SEED)?;
    let answers = ["answer", "decline", "no_answer"];
    let rooms = seed["rooms"]
        .as_array_mut()
        .ok_or("the example has rooms")?;
    for i in 1..=EXTRA_ROOMS {
        rooms.push(json!({
            "meeting_room": {
                "meeting_room_id": format!("soak-room-{i}"), "meeting_room_name": format!("Soak {i}"),
                "meeting_room_location": "深圳-园区-5", "account_type": 1, "active_code": format!("SOAK{i:04}"),
                "participant_number": 6, "meeting_room_status": 2, "scheduled_status": 1,
                "is_allow_call": true
            },
            "call_answer": answers[i % answers.len()],
        }));
    }
    Ok(SeedState::from_json(seed.to_string().as_bytes())?)
}

/// The rooms a client books and calls: open for booking and accepting calls.
fn bookable_rooms() -> Vec<String> {
    let mut rooms: Vec<String> = (1..=3).map(|i| format!("room-{i}")).collect();
    rooms.extend((1..=EXTRA_ROOMS).map(|i| format!("soak-room-{i}")));
    rooms
}

/// The seeded bookings, which no client touches: (meeting, room).
fn seeded_bookings() -> Result<BTreeMap<String, BTreeSet<String>>, Fail> {
    let seed: Value = serde_json::from_str(EXAMPLE_SEED)?;
    let mut booked = BTreeMap::new();
    for meeting in seed["meetings"].as_array().into_iter().flatten() {
        let rooms: BTreeSet<String> = (meeting["meeting_room_id_list"].as_array())
            .into_iter()
            .flatten()
            .filter_map(|r| r.as_str().map(str::to_owned))
            .collect();
        if let (Some(id), false) = (meeting["meeting"]["meetingid"].as_str(), rooms.is_empty()) {
            booked.insert(id.to_owned(), rooms);
        }
    }
    Ok(booked)
}

/// The process's resident set size in KiB, from /proc/self/status (0 where there is none).
fn rss_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

/// The CPU time the process has used (every thread, user and system), in seconds, from
/// /proc/self/stat (ticks of 1/100 s, Linux's USER_HZ); 0 where there is none. On a shared
/// machine this, not the wall time, says what a call costs.
fn cpu_secs() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // The fields after the command name, which is in parentheses and may hold spaces:
    // utime and stime are the 12th and 13th of them.
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .map_or(Vec::new(), |(_, rest)| rest.split_whitespace().collect());
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<u64>().ok())
            .unwrap_or(0)
    };
    (ticks(11) + ticks(12)) as f64 / 100.0
}

/// What the simulator keeps for good, which RSS grows with: every meeting (there is no delete),
/// every call placed (at most as many as were sent), every token (pruned only past 100,000).
fn kept(sim: &wecom_rooms_sim::RunningSimulator) -> String {
    let sent = |path: &str| Endpoint::from_path(path).map_or(0, |e| sim.requests_to(e));
    format!(
        "{} meetings, at most {} calls and {} tokens",
        sim.bookings().len(),
        sent(path::CALL),
        sent(path::GETTOKEN)
    )
}

async fn soak(secs: u64, clients: usize) -> Result<bool, Fail> {
    let clock = SimClock::manual(DEFAULT_START);
    // Small shares of each random fault: enough to lose a few hundred answers a minute.
    let faults = Faults::none()
        .with_error_rate(0.01)
        .with_drop_rate(0.005)
        .with_delay(0.01, 20);
    let config = SimConfig::new()
        .state(state()?)
        .seed(27)
        .clock(clock.clone())
        .faults(faults);
    let sim = Simulator::start(config).await?;
    let base = sim.base_url().to_owned();
    println!(
        "soak: {clients} clients for {secs} s against {base}, sim clock at {SIM_SPEED}x, \
         faults: 1% errors, 0.5% drops, 1% delayed 20 ms"
    );

    let stop = Arc::new(AtomicBool::new(false));
    let total = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let ticker = {
        let (clock, stop) = (clock.clone(), Arc::clone(&stop));
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(Duration::from_millis(100));
            while !stop.load(Ordering::Relaxed) {
                tick.tick().await;
                clock.advance(Duration::from_millis(100 * SIM_SPEED));
            }
        })
    };
    let mut tasks = Vec::with_capacity(clients);
    for id in 0..clients {
        let client = Client::new(id, &base, clock.clone(), Arc::clone(&total))?;
        let stop = Arc::clone(&stop);
        tasks.push(tokio::spawn(client.run(stop)));
    }

    // Progress every 30 s, and the RSS at one minute.
    let mut rss_at_minute = None;
    let mut kept_at_minute = None;
    let deadline = started + Duration::from_secs(secs);
    let cpu_at_start = cpu_secs();
    let mut last = (started, 0u64, cpu_at_start);
    let mut next_report = started + Duration::from_secs(30);
    while Instant::now() < deadline {
        tokio::time::sleep_until(next_report.min(deadline).into()).await;
        let now = Instant::now();
        if rss_at_minute.is_none() && now >= started + Duration::from_secs(60) {
            rss_at_minute = Some(rss_kib());
            kept_at_minute = Some(kept(&sim));
        }
        if now >= next_report {
            let (calls, cpu) = (total.load(Ordering::Relaxed), cpu_secs());
            let wall = (now - last.0).as_secs_f64();
            let n = (calls - last.1).max(1) as f64;
            println!(
                "  {:>4.0} s: {calls} calls, {:.0} calls/s, CPU {:.0}% ({:.0} µs a call), RSS {} KiB",
                (now - started).as_secs_f64(),
                n / wall,
                (cpu - last.2) * 100.0 / wall,
                (cpu - last.2) * 1e6 / n,
                rss_kib()
            );
            last = (now, calls, cpu);
            next_report += Duration::from_secs(30);
        }
    }
    stop.store(true, Ordering::Relaxed);
    let mut finished = Vec::with_capacity(clients);
    for task in tasks {
        finished.push(task.await?);
    }
    let elapsed = started.elapsed();
    let cpu = cpu_secs() - cpu_at_start;
    let rss_end = rss_kib();
    let kept_at_end = kept(&sim);
    let _ = ticker.await;

    // The run is over: read the state back without faults, so that every read is definite.
    sim.set_faults(Faults::none())?;
    let mut stats = Stats::new()?;
    let mut held: BTreeMap<String, BTreeSet<String>> = seeded_bookings()?;
    let mut unresolved = 0;
    for mut client in finished {
        for _ in 0..5 {
            client.reconcile_all().await;
        }
        unresolved += client.unsure();
        for meeting in client.meetings.iter().chain(&client.retired) {
            if !meeting.rooms.is_empty() {
                held.insert(meeting.id.clone(), meeting.rooms.clone());
            }
        }
        stats.merge(client.stats);
    }

    let calls = stats.latency.len();
    println!(
        "\n{calls} answered calls in {:.1} s: {:.0} calls/s; latency p50 {} µs, p99 {} µs, max {} µs",
        elapsed.as_secs_f64(),
        calls as f64 / elapsed.as_secs_f64(),
        stats.latency.value_at_quantile(0.5),
        stats.latency.value_at_quantile(0.99),
        stats.latency.max()
    );
    println!(
        "CPU: {cpu:.1} s of {:.1} s of wall time on {} cores ({:.0} µs a call, server and clients)",
        elapsed.as_secs_f64(),
        std::thread::available_parallelism().map_or(1, usize::from),
        cpu * 1e6 / calls.max(1) as f64
    );
    match (rss_at_minute, kept_at_minute) {
        (Some(minute), Some(then)) => println!(
            "RSS: {minute} KiB at 1 min, {rss_end} KiB at the end ({:+.1}%); \
             kept at 1 min: {then}; at the end: {kept_at_end}",
            (rss_end as f64 - minute as f64) * 100.0 / minute as f64
        ),
        _ => println!(
            "RSS: {rss_end} KiB at the end (the run was shorter than a minute); kept: {kept_at_end}"
        ),
    }
    println!(
        "lost answers (dropped or -1): {}; reconciled by reading back: {}; still unknown: {unresolved}",
        stats.lost, stats.reconciled
    );
    let counts = sim.fault_counts();
    println!(
        "faults injected: {} dropped, {} errors, {} delayed",
        counts.dropped, counts.errors, counts.delayed
    );
    println!(
        "meetings created {}, cancelled {}; rooms booked {}, released {}, refused for a clash {}; \
         calls placed {}; listing pages {}, walks cut by a lost page {}",
        stats.created,
        stats.cancelled,
        stats.booked,
        stats.released,
        stats.clashes,
        stats.placed,
        stats.pages,
        stats.cut_walks
    );
    println!(
        "kept by the simulator: {} meetings made, {} calls placed, {} tokens and {} cursors issued",
        stats.created, stats.placed, stats.tokens, stats.cursors
    );
    println!("\n{:<44} {:>9} {:>9}", "endpoint", "client", "server");
    for endpoint in Endpoint::all() {
        let sent = stats.calls.get(endpoint.path()).copied().unwrap_or(0);
        println!(
            "{:<44} {sent:>9} {:>9}",
            endpoint.path(),
            sim.requests_to(endpoint)
        );
    }
    println!("\n{:<8} {:>9}  by endpoint", "errcode", "answers");
    let mut by_code: BTreeMap<i64, Vec<(&str, u64)>> = BTreeMap::new();
    for (&(code, path), &n) in &stats.refusals {
        by_code.entry(code).or_default().push((path, n));
    }
    for (code, paths) in &by_code {
        let n: u64 = paths.iter().map(|(_, n)| n).sum();
        let each: Vec<String> = (paths.iter())
            .map(|(path, n)| format!("{} {n}", path.trim_start_matches("/cgi-bin/")))
            .collect();
        println!("{code:<8} {n:>9}  {}", each.join(", "));
    }

    // The invariants.
    let mut failures = Vec::new();
    let unknown: Vec<_> = (by_code.keys())
        .filter(|code| !codes::ALL.iter().any(|c| i64::from(*c) == **code))
        .collect();
    if !unknown.is_empty() {
        failures.push(format!("errcodes outside codes::ALL: {unknown:?}"));
    }
    if sim.schema_violations() != 0 {
        failures.push(format!(
            "{} answers off their schema: {:?}",
            sim.schema_violations(),
            sim.schema_violation_reports()
        ));
    }
    if stats.held_refused != 0 {
        failures.push(format!(
            "{} releases of a room a client held were refused as not booked",
            stats.held_refused
        ));
    }
    let actual: BTreeMap<String, BTreeSet<String>> = (sim.bookings().into_iter())
        .filter(|(_, rooms)| !rooms.is_empty())
        .map(|(id, rooms)| (id, rooms.into_iter().collect()))
        .collect();
    let bookings: usize = actual.values().map(BTreeSet::len).sum();
    if unresolved == 0 && actual != held {
        let lost: Vec<_> = held
            .iter()
            .filter(|(m, r)| actual.get(*m) != Some(r))
            .collect();
        let extra: Vec<_> = actual
            .iter()
            .filter(|(m, r)| held.get(*m) != Some(r))
            .collect();
        failures.push(format!(
            "bookings differ: clients hold {lost:?} where the simulator has {extra:?}"
        ));
    } else if unresolved != 0 {
        failures.push(format!(
            "{unresolved} outcomes stayed unknown after reading back"
        ));
    }
    let clashes = double_bookings(sim.base_url(), &actual).await?;
    if !clashes.is_empty() {
        failures.push(format!("rooms booked twice at once: {clashes:?}"));
    }
    println!(
        "\ninvariants over {} meetings holding {bookings} bookings:",
        actual.len()
    );
    println!("  no double booking, no lost booking, errcodes in codes::ALL, schema violations 0");
    sim.shutdown().await;
    if failures.is_empty() {
        println!("  all hold");
        Ok(true)
    } else {
        for failure in &failures {
            println!("  FAILED: {failure}");
        }
        Ok(false)
    }
}

/// The rooms held by two live (not cancelled) meetings at overlapping times, from get_info's
/// times and status of every meeting that has rooms (asked with the owner's token).
async fn double_bookings(
    base: &str,
    bookings: &BTreeMap<String, BTreeSet<String>>,
) -> Result<Vec<String>, Fail> {
    let http = reqwest::Client::builder().no_proxy().build()?;
    let mut tokens = Vec::new();
    for (_, secret) in APPS {
        let url = format!("{base}/cgi-bin/gettoken?corpid={CORP}&corpsecret={secret}");
        let answer: Value = http.get(url).send().await?.json().await?;
        let token = answer["access_token"].as_str().ok_or("no token")?;
        tokens.push(token.to_owned());
    }
    // room -> [(start, end, meeting)]
    let mut held: BTreeMap<&str, Vec<(u64, u64, &str)>> = BTreeMap::new();
    for (meeting, rooms) in bookings {
        let mut info = None;
        for token in &tokens {
            let url = format!("{base}/cgi-bin/meeting/get_info?access_token={token}");
            let answer: Value = (http.post(url))
                .body(json!({ "meetingid": meeting }).to_string())
                .send()
                .await?
                .json()
                .await?;
            if answer["errcode"] == 0 {
                info = Some(answer);
                break;
            }
        }
        let info = info.ok_or_else(|| format!("no application can read meeting {meeting}"))?;
        if info["status"] == 4 {
            continue; // cancelled: its rooms are free for others
        }
        let start = info["meeting_start"].as_u64().ok_or("no meeting_start")?;
        let end = start + info["meeting_duration"].as_u64().ok_or("no duration")?;
        for room in rooms {
            held.entry(room).or_default().push((start, end, meeting));
        }
    }
    let mut clashes = Vec::new();
    for (room, mut spans) in held {
        spans.sort_unstable();
        for pair in spans.windows(2) {
            if pair[1].0 < pair[0].1 {
                clashes.push(format!("{room}: {} and {}", pair[0].2, pair[1].2));
            }
        }
    }
    Ok(clashes)
}

/// What the clients counted.
struct Stats {
    /// Calls sent, by path.
    calls: BTreeMap<&'static str, u64>,
    /// Answers with a non-zero errcode, by errcode and path.
    refusals: BTreeMap<(i64, &'static str), u64>,
    /// Answered calls' latency, in microseconds.
    latency: Histogram<u64>,
    lost: u64,
    reconciled: u64,
    created: u64,
    cancelled: u64,
    booked: u64,
    released: u64,
    clashes: u64,
    placed: u64,
    pages: u64,
    cut_walks: u64,
    tokens: u64,
    cursors: u64,
    /// Releases of a room the client was sure it held, refused as not booked: a lost booking.
    held_refused: u64,
}

impl Stats {
    fn new() -> Result<Self, Fail> {
        Ok(Stats {
            calls: BTreeMap::new(),
            refusals: BTreeMap::new(),
            // 1 µs to 60 s, three significant figures.
            latency: Histogram::new_with_bounds(1, 60_000_000, 3)?,
            lost: 0,
            reconciled: 0,
            created: 0,
            cancelled: 0,
            booked: 0,
            released: 0,
            clashes: 0,
            placed: 0,
            pages: 0,
            cut_walks: 0,
            tokens: 0,
            cursors: 0,
            held_refused: 0,
        })
    }

    fn merge(&mut self, other: Stats) {
        for (path, n) in other.calls {
            *self.calls.entry(path).or_default() += n;
        }
        for (key, n) in other.refusals {
            *self.refusals.entry(key).or_default() += n;
        }
        let _ = self.latency.add(&other.latency);
        self.lost += other.lost;
        self.reconciled += other.reconciled;
        self.created += other.created;
        self.cancelled += other.cancelled;
        self.booked += other.booked;
        self.released += other.released;
        self.clashes += other.clashes;
        self.placed += other.placed;
        self.pages += other.pages;
        self.cut_walks += other.cut_walks;
        self.tokens += other.tokens;
        self.cursors += other.cursors;
        self.held_refused += other.held_refused;
    }
}

/// An answer: a success, a refusal (definite: nothing changed), or lost (the connection
/// dropped, or -1: whatever the request changed is unknown).
enum Reply {
    Ok(Value),
    Refused(i64),
    Lost,
}

/// A meeting a client created, as far as it knows.
#[derive(Debug)]
struct Mine {
    id: String,
    code: String,
    start: u64,
    duration: u64,
    /// Rooms booked for it (a cancelled meeting keeps them on record, not in force).
    rooms: BTreeSet<String>,
    /// Rooms whose book or release answer was lost: held or not, unknown until read back.
    unsure_rooms: BTreeSet<String>,
    /// An update or cancel whose answer was lost: times and status unknown until read back.
    unsure_plan: bool,
    cancelled: bool,
}

/// The endpoints' paths, written once.
mod path {
    pub const GETTOKEN: &str = "/cgi-bin/gettoken";
    pub const CREATE: &str = "/cgi-bin/meeting/create";
    pub const UPDATE: &str = "/cgi-bin/meeting/update";
    pub const CANCEL: &str = "/cgi-bin/meeting/cancel";
    pub const MEETING_INFO: &str = "/cgi-bin/meeting/get_info";
    pub const USER_MEETINGS: &str = "/cgi-bin/meeting/get_user_meetingid";
    pub const BOOK: &str = "/cgi-bin/meeting/rooms/book";
    pub const RELEASE: &str = "/cgi-bin/meeting/rooms/release";
    pub const LIST: &str = "/cgi-bin/meeting/rooms/list";
    pub const LIST_DEVICES: &str = "/cgi-bin/meeting/rooms/list_devices";
    pub const LIST_CONTROLLERS: &str = "/cgi-bin/meeting/rooms/list_controllers";
    pub const LIST_MEETINGS: &str = "/cgi-bin/meeting/rooms/list_meetings";
    pub const ROOM_INFO: &str = "/cgi-bin/meeting/rooms/get_info";
    pub const CONFIG: &str = "/cgi-bin/meeting/rooms/get_config";
    pub const INVENTORY: &str = "/cgi-bin/meeting/rooms/get_inventory";
    pub const CALL: &str = "/cgi-bin/meeting/rooms/call";
    pub const CANCEL_CALL: &str = "/cgi-bin/meeting/rooms/cancel_call";
    pub const RESPONSE_STATUS: &str = "/cgi-bin/meeting/rooms/get_response_status";
}

/// What a client does next, by weight.
#[derive(Clone, Copy, Debug)]
enum Op {
    Token,
    List,
    ListDevices,
    ListControllers,
    ListMeetings,
    RoomInfo,
    Config,
    Inventory,
    Update,
    Cancel,
    MeetingInfo,
    UserMeetings,
    Book,
    Release,
    Call,
    ResponseStatus,
    CancelCall,
    Refused,
}

/// Reads outnumber writes, and the writes that add state for good (a meeting, a call: the
/// simulator deletes neither) are rare, so that the state grows slowly and a leak shows.
const OPS: &[(Op, u32)] = &[
    (Op::Token, 2),
    (Op::List, 60),
    (Op::ListDevices, 30),
    (Op::ListControllers, 30),
    (Op::ListMeetings, 60),
    (Op::RoomInfo, 80),
    (Op::Config, 60),
    (Op::Inventory, 40),
    (Op::Update, 50),
    (Op::Cancel, 1),
    (Op::MeetingInfo, 80),
    (Op::UserMeetings, 20),
    (Op::Book, 200),
    (Op::Release, 120),
    (Op::Call, 5),
    (Op::ResponseStatus, 60),
    (Op::CancelCall, 5),
    (Op::Refused, 30),
];

struct Client {
    id: usize,
    app: usize,
    admin: String,
    http: reqwest::Client,
    base: String,
    clock: SimClock,
    token: String,
    rng: fastrand::Rng,
    rooms: Vec<String>,
    meetings: Vec<Mine>,
    /// Meetings no longer worked on (cancelled or started), kept for the final check.
    retired: Vec<Mine>,
    /// The latest calls placed: (meeting, room, invite id).
    invites: Vec<(String, String, String)>,
    /// Creates whose answer was lost: a meeting may exist that the client does not know.
    unsure_creates: u64,
    stats: Stats,
    total: Arc<AtomicU64>,
}

impl Client {
    fn new(id: usize, base: &str, clock: SimClock, total: Arc<AtomicU64>) -> Result<Self, Fail> {
        Ok(Client {
            id,
            app: id % APPS.len(),
            admin: format!("soak-admin-{id}"),
            http: reqwest::Client::builder()
                .no_proxy()
                .timeout(Duration::from_secs(10))
                .build()?,
            base: base.to_owned(),
            clock,
            token: String::new(),
            rng: fastrand::Rng::with_seed(id as u64),
            rooms: bookable_rooms(),
            meetings: Vec::new(),
            retired: Vec::new(),
            invites: Vec::new(),
            unsure_creates: 0,
            stats: Stats::new()?,
            total,
        })
    }

    async fn run(mut self, stop: Arc<AtomicBool>) -> Client {
        let weights: u32 = OPS.iter().map(|(_, w)| w).sum();
        while !stop.load(Ordering::Relaxed) {
            if self.token.is_empty() {
                self.renew_token().await;
                continue;
            }
            if self.unsure() != 0 {
                self.reconcile_all().await;
                continue;
            }
            if self.meetings.len() < POOL {
                self.create().await;
                continue;
            }
            let mut pick = self.rng.u32(..weights);
            let op = OPS
                .iter()
                .find(|(_, w)| {
                    let hit = pick < *w;
                    pick = pick.saturating_sub(*w);
                    hit
                })
                .map_or(Op::RoomInfo, |(op, _)| *op);
            self.step(op).await;
        }
        self
    }

    /// The outcomes still unknown: rooms, plans, and creates not yet found.
    fn unsure(&self) -> u64 {
        let meetings = self.meetings.iter().chain(&self.retired);
        let mut n = self.unsure_creates;
        for m in meetings {
            n += m.unsure_rooms.len() as u64 + u64::from(m.unsure_plan);
        }
        n
    }

    async fn step(&mut self, op: Op) {
        let i = self.rng.usize(..self.meetings.len());
        let room = self.rooms[self.rng.usize(..self.rooms.len())].clone();
        match op {
            Op::Token => self.renew_token().await,
            Op::List => {
                let limit = self.rng.u32(3..=6);
                self.walk(path::LIST, json!({ "limit": limit }), "meeting_room_list")
                    .await;
            }
            Op::ListDevices => {
                let body = json!({"limit": 2});
                self.walk(path::LIST_DEVICES, body, "device_info_list")
                    .await;
            }
            Op::ListControllers => {
                let body = json!({"limit": 2});
                self.walk(path::LIST_CONTROLLERS, body, "controller_info_list")
                    .await;
            }
            Op::ListMeetings => {
                let body = json!({"meeting_room_id": room, "limit": self.rng.u32(2..=20)});
                self.walk(path::LIST_MEETINGS, body, "meeting_info_list")
                    .await;
            }
            Op::RoomInfo => {
                let _ = self
                    .post(path::ROOM_INFO, json!({ "meeting_room_id": room }))
                    .await;
            }
            Op::Config => {
                let _ = self
                    .post(path::CONFIG, json!({ "meeting_room_id": room }))
                    .await;
            }
            Op::Inventory => {
                let _ = self.post(path::INVENTORY, json!({})).await;
            }
            Op::Update => self.update(i).await,
            Op::Cancel => self.cancel(i).await,
            Op::MeetingInfo => {
                let m = &self.meetings[i];
                let body = if self.rng.bool() {
                    json!({ "meetingid": m.id })
                } else {
                    json!({ "meeting_code": m.code })
                };
                let _ = self.post(path::MEETING_INFO, body).await;
            }
            Op::UserMeetings => {
                let _ = self.user_meetings().await;
            }
            Op::Book => self.book(i, room).await,
            Op::Release => self.release(i).await,
            Op::Call => self.call(i, room).await,
            Op::ResponseStatus => {
                let body = json!({"meetingid": self.meetings[i].id, "meeting_room_id": room});
                let _ = self.post(path::RESPONSE_STATUS, body).await;
            }
            Op::CancelCall => {
                if !self.invites.is_empty() {
                    let k = self.rng.usize(..self.invites.len());
                    let (meeting, room, invite) = self.invites.swap_remove(k);
                    let body =
                        json!({"meetingid": meeting, "meeting_room_id": room, "invite_id": invite});
                    let _ = self.post(path::CANCEL_CALL, body).await;
                }
            }
            Op::Refused => self.refused(i).await,
        }
    }

    /// Sends one request and sorts its answer; renews the token when it has expired.
    async fn send(&mut self, path: &'static str, request: reqwest::RequestBuilder) -> Reply {
        *self.stats.calls.entry(path).or_default() += 1;
        self.total.fetch_add(1, Ordering::Relaxed);
        let started = Instant::now();
        let answer = match request.send().await {
            Ok(response) => response.json::<Value>().await.ok(),
            Err(_) => None,
        };
        let Some(answer) = answer else {
            self.stats.lost += 1;
            return Reply::Lost;
        };
        let micros = u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX);
        let _ = self.stats.latency.record(micros.max(1));
        let code = answer["errcode"].as_i64().unwrap_or(i64::MIN);
        if code == 0 {
            // What the simulator keeps of this answer: a token, a cursor.
            self.stats.tokens += u64::from(path == path::GETTOKEN);
            self.stats.cursors += u64::from(answer["next_cursor"].is_string());
            return Reply::Ok(answer);
        }
        *self.stats.refusals.entry((code, path)).or_default() += 1;
        if code == i64::from(codes::SYSTEM_BUSY) {
            self.stats.lost += 1;
            return Reply::Lost;
        }
        if code == i64::from(codes::TOKEN_EXPIRED) || code == i64::from(codes::INVALID_TOKEN) {
            self.token.clear();
        }
        Reply::Refused(code)
    }

    async fn post(&mut self, path: &'static str, body: Value) -> Reply {
        let url = format!("{}{path}?access_token={}", self.base, self.token);
        let request = self.http.post(url).body(body.to_string());
        self.send(path, request).await
    }

    async fn renew_token(&mut self) {
        let secret = APPS[self.app].1;
        let url = format!(
            "{}{}?corpid={CORP}&corpsecret={secret}",
            self.base,
            path::GETTOKEN
        );
        let request = self.http.get(url);
        if let Reply::Ok(answer) = self.send(path::GETTOKEN, request).await
            && let Some(token) = answer["access_token"].as_str()
        {
            token.clone_into(&mut self.token);
        }
    }

    /// Pages through a listing: the first page, then each `next_cursor` with the same body.
    async fn walk(&mut self, path: &'static str, body: Value, key: &str) -> Vec<Value> {
        let mut items = Vec::new();
        let mut cursor: Option<String> = None;
        loop {
            let mut page = body.clone();
            if let Some(cursor) = &cursor {
                page["cursor"] = json!(cursor);
            }
            self.stats.pages += 1;
            let Reply::Ok(answer) = self.post(path, page).await else {
                self.stats.cut_walks += u64::from(cursor.is_some());
                return items;
            };
            items.extend(answer[key].as_array().into_iter().flatten().cloned());
            match answer["next_cursor"].as_str() {
                Some(next) => cursor = Some(next.to_owned()),
                None => return items,
            }
        }
    }

    /// A meeting 10 minutes to 4 hours of sim time ahead, lasting 30 to 90 minutes.
    async fn create(&mut self) {
        let start = self.clock.now_secs() + 600 + 60 * self.rng.u64(..230);
        let duration = 60 * self.rng.u64(30..=90);
        let body = json!({
            "admin_userid": self.admin,
            "title": format!("soak {} #{}", self.id, self.stats.created),
            "meeting_start": start,
            "meeting_duration": duration,
            "invitees": {"userid": ["lisi", "wangwu"]},
            "settings": {"password": "1234", "remind_scope": 4},
        });
        match self.post(path::CREATE, body).await {
            Reply::Ok(answer) => {
                self.stats.created += 1;
                let id = answer["meetingid"].as_str().unwrap_or_default().to_owned();
                let code = answer["meeting_code"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned();
                self.meetings.push(Mine {
                    id,
                    code,
                    start,
                    duration,
                    rooms: BTreeSet::new(),
                    unsure_rooms: BTreeSet::new(),
                    unsure_plan: false,
                    cancelled: false,
                });
            }
            Reply::Lost => self.unsure_creates += 1,
            Reply::Refused(_) => {}
        }
    }

    /// Moves the meeting half an hour either way, or renames it.
    async fn update(&mut self, i: usize) {
        let m = &self.meetings[i];
        let shift = if self.rng.bool() { 1800i64 } else { -1800 };
        let moved = m.start.saturating_add_signed(shift);
        let body = if self.rng.u8(..3) == 0 {
            json!({"meetingid": m.id, "title": format!("soak {} renamed", self.id)})
        } else {
            json!({"meetingid": m.id, "meeting_start": moved, "meeting_duration": m.duration})
        };
        let moves = body.get("meeting_start").is_some();
        match self.post(path::UPDATE, body).await {
            Reply::Ok(_) if moves => self.meetings[i].start = moved,
            Reply::Ok(_) => {}
            Reply::Lost => self.meetings[i].unsure_plan = true,
            // Started: no more changes; the rooms stay booked until it ends.
            Reply::Refused(code) if code == i64::from(codes::MEETING_NOT_UPDATABLE) => {
                self.retire(i);
            }
            // Moving it into a past start, or onto a room another meeting holds, is refused.
            Reply::Refused(_) => {}
        }
    }

    async fn cancel(&mut self, i: usize) {
        let body = json!({"meetingid": self.meetings[i].id});
        match self.post(path::CANCEL, body).await {
            Reply::Ok(_) => {
                self.stats.cancelled += 1;
                self.meetings[i].cancelled = true;
                self.retire(i);
            }
            Reply::Lost => self.meetings[i].unsure_plan = true,
            Reply::Refused(code) if code == i64::from(codes::MEETING_NOT_CANCELLABLE) => {
                self.retire(i);
            }
            Reply::Refused(_) => {}
        }
    }

    fn retire(&mut self, i: usize) {
        let meeting = self.meetings.swap_remove(i);
        self.invites.retain(|(id, _, _)| *id != meeting.id);
        self.retired.push(meeting);
    }

    async fn book(&mut self, i: usize, room: String) {
        let mut rooms = vec![room];
        if self.rng.u8(..4) == 0 {
            rooms.push(self.rooms[self.rng.usize(..self.rooms.len())].clone());
        }
        let body = json!({"meetingid": self.meetings[i].id, "meeting_room_id_list": rooms});
        match self.post(path::BOOK, body).await {
            Reply::Ok(_) => {
                self.stats.booked += 1;
                self.meetings[i].rooms.extend(rooms);
            }
            Reply::Lost => self.meetings[i].unsure_rooms.extend(rooms),
            Reply::Refused(code) if code == i64::from(codes::INVALID_PARAMETER) => {
                self.stats.clashes += 1;
            }
            Reply::Refused(_) => {}
        }
    }

    async fn release(&mut self, i: usize) {
        let held = &self.meetings[i].rooms;
        let Some(room) = held
            .iter()
            .nth(self.rng.usize(..held.len().max(1)))
            .cloned()
        else {
            return;
        };
        let body = json!({"meetingid": self.meetings[i].id, "meeting_room_id_list": [room]});
        match self.post(path::RELEASE, body).await {
            Reply::Ok(_) => {
                self.stats.released += 1;
                self.meetings[i].rooms.remove(&room);
            }
            Reply::Lost => {
                self.meetings[i].rooms.remove(&room);
                self.meetings[i].unsure_rooms.insert(room);
            }
            Reply::Refused(code) if code == i64::from(codes::INVALID_PARAMETER) => {
                self.stats.held_refused += 1;
            }
            Reply::Refused(_) => {}
        }
    }

    /// Calls a room (or, one time in four, an MRA address) for the meeting.
    async fn call(&mut self, i: usize, room: String) {
        let id = self.meetings[i].id.clone();
        let body = if self.rng.u8(..4) == 0 {
            json!({"meetingid": id, "mra_address": {"protocol": 1, "dial_string": "sip:soak@10.0.0.9"}})
        } else {
            json!({"meetingid": id, "meeting_room_id": room})
        };
        if let Reply::Ok(answer) = self.post(path::CALL, body.clone()).await {
            self.stats.placed += 1;
            if let (Some(invite), false) = (
                answer["invite_id"].as_str(),
                body.get("mra_address").is_some(),
            ) {
                if self.invites.len() >= 8 {
                    self.invites.remove(0);
                }
                self.invites.push((id, room, invite.to_owned()));
            }
        }
    }

    /// A request the simulator must refuse, each with its own errcode.
    async fn refused(&mut self, i: usize) {
        let other = SEEDED[1 - self.app];
        let id = self.meetings[i].id.clone();
        match self.rng.u8(..7) {
            0 => {
                let body =
                    json!({"meetingid": "meeting-unknown", "meeting_room_id_list": ["room-1"]});
                let _ = self.post(path::BOOK, body).await; // 90602
            }
            1 => {
                // Only a meeting in play: a cancelled one would get 400041.
                let body = json!({"meetingid": id, "meeting_room_id_list": ["room-4"]});
                let _ = self.post(path::BOOK, body).await; // 90711
            }
            2 => {
                let _ = self
                    .post(path::MEETING_INFO, json!({ "meetingid": other }))
                    .await; // 730005
            }
            3 => {
                let start = self.clock.now_secs() + 3600;
                let body = json!({"admin_userid": self.admin, "title": "bad", "meeting_start": start,
                    "meeting_duration": 1800, "settings": {"password": "12ab"}});
                // Answered or lost, it makes no meeting: its body fails the schema.
                let _ = self.post(path::CREATE, body).await; // 400030
            }
            4 => {
                let body = json!({"meetingid": id, "sub_meetingid": "1"});
                let _ = self.post(path::MEETING_INFO, body).await; // 730003
            }
            5 => {
                let url = format!(
                    "{}{}?corpid={CORP}&corpsecret=wrong",
                    self.base,
                    path::GETTOKEN
                );
                let request = self.http.get(url);
                let _ = self.send(path::GETTOKEN, request).await; // 40001
            }
            _ => {
                let url = format!("{}{}", self.base, path::INVENTORY);
                let request = self.http.post(url).body("{}");
                let _ = self.send(path::INVENTORY, request).await; // 41001
            }
        }
    }

    /// get_user_meetingid for this client's administrator, every page.
    async fn user_meetings(&mut self) -> Option<Vec<String>> {
        let mut ids = Vec::new();
        let mut cursor = "0".to_owned();
        // The cursor is bound to the limit it was obtained with.
        let limit = self.rng.u32(10..=100);
        loop {
            let body = json!({"userid": self.admin, "cursor": cursor, "limit": limit});
            self.stats.pages += 1;
            let Reply::Ok(answer) = self.post(path::USER_MEETINGS, body).await else {
                return None;
            };
            let page = answer["meetingid_list"].as_array().into_iter().flatten();
            ids.extend(page.filter_map(|id| id.as_str().map(str::to_owned)));
            match answer["next_cursor"].as_str() {
                Some(next) => next.clone_into(&mut cursor),
                None => return Some(ids),
            }
        }
    }

    /// Reads back what lost answers left unknown: meetings a lost create may have made, the
    /// times and status of meetings whose update or cancel was lost, and the rooms whose book
    /// or release was lost. An outcome stays unknown while its read is lost too.
    async fn reconcile_all(&mut self) {
        if self.token.is_empty() {
            self.renew_token().await;
            return;
        }
        if self.unsure_creates != 0 {
            self.adopt().await;
        }
        for retired in [false, true] {
            let count = if retired {
                self.retired.len()
            } else {
                self.meetings.len()
            };
            for i in 0..count {
                let m = if retired {
                    &self.retired[i]
                } else {
                    &self.meetings[i]
                };
                if m.unsure_plan {
                    self.read_plan(retired, i).await;
                }
                let m = if retired {
                    &self.retired[i]
                } else {
                    &self.meetings[i]
                };
                for room in m.unsure_rooms.clone() {
                    self.read_room(retired, i, room).await;
                }
            }
        }
        // A meeting found cancelled leaves play.
        let mut i = 0;
        while i < self.meetings.len() {
            if self.meetings[i].cancelled && !self.meetings[i].unsure_plan {
                self.retire(i);
            } else {
                i += 1;
            }
        }
    }

    /// Finds the meetings lost creates made: the administrator's meetings the client does not
    /// know, read with get_info and taken into play.
    async fn adopt(&mut self) {
        let Some(ids) = self.user_meetings().await else {
            return;
        };
        let known: BTreeSet<&str> = (self.meetings.iter().chain(&self.retired))
            .map(|m| m.id.as_str())
            .collect();
        let strays: Vec<String> = ids
            .into_iter()
            .filter(|id| !known.contains(id.as_str()))
            .collect();
        for id in strays {
            let Reply::Ok(info) = self
                .post(path::MEETING_INFO, json!({ "meetingid": id }))
                .await
            else {
                return;
            };
            self.stats.reconciled += 1;
            self.retired.push(Mine {
                id,
                code: info["meeting_code"].as_str().unwrap_or_default().to_owned(),
                start: info["meeting_start"].as_u64().unwrap_or(0),
                duration: info["meeting_duration"].as_u64().unwrap_or(0),
                rooms: BTreeSet::new(),
                unsure_rooms: BTreeSet::new(),
                unsure_plan: false,
                cancelled: info["status"] == 4,
            });
        }
        // Every meeting of this administrator is now known, from before or adopted.
        self.unsure_creates = 0;
    }

    fn mine(&mut self, retired: bool, i: usize) -> &mut Mine {
        if retired {
            &mut self.retired[i]
        } else {
            &mut self.meetings[i]
        }
    }

    async fn read_plan(&mut self, retired: bool, i: usize) {
        let id = self.mine(retired, i).id.clone();
        if let Reply::Ok(info) = self
            .post(path::MEETING_INFO, json!({ "meetingid": id }))
            .await
        {
            self.stats.reconciled += 1;
            let m = self.mine(retired, i);
            m.start = info["meeting_start"].as_u64().unwrap_or(m.start);
            m.duration = info["meeting_duration"].as_u64().unwrap_or(m.duration);
            m.cancelled = info["status"] == 4;
            m.unsure_plan = false;
        }
    }

    /// Whether the room is booked for the meeting: list_meetings of that room over the
    /// meeting's time, every page.
    async fn read_room(&mut self, retired: bool, i: usize, room: String) {
        let m = self.mine(retired, i);
        if m.unsure_plan {
            return; // its time first
        }
        let id = m.id.clone();
        let body = json!({"meeting_room_id": room, "start_time": m.start,
            "end_time": m.start + m.duration, "limit": 10});
        let mut cursor: Option<String> = None;
        let mut found = false;
        loop {
            let mut page = body.clone();
            if let Some(cursor) = &cursor {
                page["cursor"] = json!(cursor);
            }
            self.stats.pages += 1;
            let Reply::Ok(answer) = self.post(path::LIST_MEETINGS, page).await else {
                return;
            };
            let listed = answer["meeting_info_list"].as_array().into_iter().flatten();
            found |= listed
                .into_iter()
                .any(|meeting| meeting["meetingid"] == id.as_str());
            match answer["next_cursor"].as_str() {
                Some(next) => cursor = Some(next.to_owned()),
                None => break,
            }
        }
        self.stats.reconciled += 1;
        let m = self.mine(retired, i);
        m.unsure_rooms.remove(&room);
        if found {
            m.rooms.insert(room);
        } else {
            m.rooms.remove(&room);
        }
    }
}
