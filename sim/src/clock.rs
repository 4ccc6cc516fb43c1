//! The simulator's clock: what "now" is for token expiry, rate windows, bookings and calls.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// 2024-01-01 00:00:00 UTC as Unix seconds: where [`SimClock::default`] starts.
pub const DEFAULT_START: u64 = 1_704_067_200;

/// A shared handle on the simulator's clock; clones see and move the same clock.
///
/// The simulator never reads the machine's clock for its own logic: token expiry
/// (`expires_in`), the rate-limit windows, list_meetings' default window and a call's answer all
/// follow this clock, so a test moves time with [`advance`](Self::advance) instead of sleeping.
///
/// - [`SimClock::manual`] (and [`Default`], at [`DEFAULT_START`]) stands still until advanced:
///   fully deterministic, for tests.
/// - [`SimClock::system`] follows the machine's clock, plus whatever was advanced: for a
///   simulator that other programs use interactively (the CLI).
///
/// Only slow answers (the delay fault) wait in real time.
#[derive(Clone, Debug)]
pub struct SimClock {
    inner: Arc<Mutex<Inner>>,
}

#[derive(Debug)]
struct Inner {
    /// `None`: manual; `Some(t)`: follows the system clock, which read `t` at `base_secs`.
    system_origin: Option<SystemTime>,
    base_millis: u64,
}

impl Default for SimClock {
    fn default() -> Self {
        Self::manual(DEFAULT_START)
    }
}

impl SimClock {
    /// A clock that reads `unix_secs` until [`advance`](Self::advance)d.
    #[must_use]
    pub fn manual(unix_secs: u64) -> Self {
        Self::from_inner(None, unix_secs.saturating_mul(1000))
    }

    /// A clock that follows the machine's clock (plus what is advanced).
    #[must_use]
    pub fn system() -> Self {
        let now = SystemTime::now();
        let millis = now.duration_since(UNIX_EPOCH).map_or(0, saturating_millis);
        Self::from_inner(Some(now), millis)
    }

    fn from_inner(system_origin: Option<SystemTime>, base_millis: u64) -> Self {
        SimClock {
            inner: Arc::new(Mutex::new(Inner {
                system_origin,
                base_millis,
            })),
        }
    }

    /// Moves the clock forward by `by` for every handle.
    pub fn advance(&self, by: Duration) {
        let mut inner = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        inner.base_millis = inner.base_millis.saturating_add(saturating_millis(by));
    }

    /// Now, in milliseconds since the Unix epoch.
    #[must_use]
    pub fn now_millis(&self) -> u64 {
        let inner = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        let elapsed = inner
            .system_origin
            .and_then(|origin| origin.elapsed().ok())
            .map_or(0, saturating_millis);
        inner.base_millis.saturating_add(elapsed)
    }

    /// Now, in whole seconds since the Unix epoch.
    #[must_use]
    pub fn now_secs(&self) -> u64 {
        self.now_millis() / 1000
    }
}

fn saturating_millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

/// Formats Unix seconds as China Standard Time (UTC+8, WeCom's zone) with the given date
/// separator: `'/'` gives get_response_status's "YYYY/MM/DD HH:MM:SS".
#[must_use]
pub fn format_cst(unix_secs: u64, date_separator: char) -> String {
    let local = unix_secs.saturating_add(8 * 3600);
    let days = i64::try_from(local / 86_400).unwrap_or(i64::MAX / 2);
    let secs = local % 86_400;
    let (year, month, day) = civil_from_days(days);
    let s = date_separator;
    format!(
        "{year:04}{s}{month:02}{s}{day:02} {:02}:{:02}:{:02}",
        secs / 3600,
        secs % 3600 / 60,
        secs % 60
    )
}

/// Howard Hinnant's `civil_from_days`: days since 1970-01-01 → (year, month, day).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month as u32, day as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_in_china_standard_time() {
        assert_eq!(format_cst(DEFAULT_START, '/'), "2024/01/01 08:00:00");
        assert_eq!(format_cst(1_669_098_926, '/'), "2022/11/22 14:35:26");
        assert_eq!(format_cst(0, '-'), "1970-01-01 08:00:00");
    }

    #[test]
    fn manual_clock_moves_only_when_advanced() {
        let clock = SimClock::manual(100);
        let other = clock.clone();
        assert_eq!(clock.now_secs(), 100);
        other.advance(Duration::from_millis(1500));
        assert_eq!(clock.now_millis(), 101_500);
    }
}
