//! What [`RedisStore`](super::RedisStore) keeps in Redis, and the Lua scripts that change it.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

use crate::token::store::CachedToken;

/// Takes the lock unless a fresh token is stored. KEYS: token, lock. ARGV: now (ms), lock id,
/// lock ttl (ms). Returns the stored token, 1 (the lock is taken), or 0 (someone holds it).
/// The lock already held under this id counts as taken, so that a call sent again after its
/// connection dropped does not wait for its own lock.
pub(super) const BEGIN: &str = r"
local stored = redis.call('GET', KEYS[1])
if stored then
  local ok, t = pcall(cjson.decode, stored)
  if ok and type(t) == 'table' and tonumber(t.refresh_at)
      and tonumber(t.refresh_at) > tonumber(ARGV[1]) then
    return stored
  end
end
if redis.call('SET', KEYS[2], ARGV[2], 'NX', 'PX', ARGV[3]) then
  return 1
end
if redis.call('GET', KEYS[2]) == ARGV[2] then
  return 1
end
return 0
";

/// Pushes the lock's expiry `ttl` ahead if the lock is still this holder's. KEYS: lock.
/// ARGV: lock id, lock ttl (ms). Returns 1 when extended, 0 when the lock is someone else's
/// or gone.
pub(super) const EXTEND: &str = r"
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
return 0
";

/// Stores a token fetched while Redis was unreachable, unless a token that lives at least as
/// long is stored. KEYS: token. ARGV: token JSON, expires_at (ms). Returns 1 when stored.
pub(super) const WRITE_BACK: &str = r"
local stored = redis.call('GET', KEYS[1])
if stored then
  local ok, t = pcall(cjson.decode, stored)
  if ok and type(t) == 'table' and tonumber(t.expires_at)
      and tonumber(t.expires_at) >= tonumber(ARGV[2]) then
    return 0
  end
end
redis.call('SET', KEYS[1], ARGV[1])
redis.call('PEXPIREAT', KEYS[1], ARGV[2])
return 1
";

/// Stores a token (unless the lock is no longer ours and a longer-lived one is stored) and
/// releases the lock if it is ours. KEYS: token, lock. ARGV: lock id, token JSON or '',
/// expires_at (ms). Returns 1 when the lock was still ours.
pub(super) const FINISH: &str = r"
local ours = redis.call('GET', KEYS[2]) == ARGV[1]
if ARGV[2] ~= '' then
  local replace = true
  if not ours then
    local stored = redis.call('GET', KEYS[1])
    if stored then
      local ok, t = pcall(cjson.decode, stored)
      if ok and type(t) == 'table' and tonumber(t.expires_at)
          and tonumber(t.expires_at) > tonumber(ARGV[3]) then
        replace = false
      end
    end
  end
  if replace then
    redis.call('SET', KEYS[1], ARGV[2])
    redis.call('PEXPIREAT', KEYS[1], ARGV[3])
  end
end
if ours then
  redis.call('DEL', KEYS[2])
  return 1
end
return 0
";

/// Deletes the stored token if it is `ARGV[1]`. KEYS: token. Returns 1 when it was deleted.
pub(super) const INVALIDATE: &str = r"
local stored = redis.call('GET', KEYS[1])
if not stored then return 0 end
local ok, t = pcall(cjson.decode, stored)
if ok and type(t) == 'table' and t.token == ARGV[1] then
  redis.call('DEL', KEYS[1])
  return 1
end
return 0
";

/// The id of a lock the in-memory fallback gave: never one that Redis holds.
pub(super) const MEMORY_LOCK: &str = "memory-fallback";

/// A token as stored: JSON, times in Unix milliseconds.
#[derive(Serialize, Deserialize)]
pub(super) struct Stored {
    pub(super) token: String,
    pub(super) refresh_at: u64,
    pub(super) expires_at: u64,
}

pub(super) fn unix_ms(time: SystemTime) -> u64 {
    time.duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

pub(super) fn from_unix_ms(ms: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_millis(ms)
}

pub(super) fn encode(token: &CachedToken) -> String {
    let stored = Stored {
        token: token.token.expose().to_owned(),
        refresh_at: unix_ms(token.refresh_at),
        expires_at: unix_ms(token.expires_at),
    };
    // A string and two numbers always serialize.
    serde_json::to_string(&stored).unwrap_or_default()
}

/// A random id for one lock: unique across processes and hosts.
pub(super) fn new_lock_id() -> String {
    use std::hash::BuildHasher;
    static TAKEN: AtomicU64 = AtomicU64::new(0);
    let n = TAKEN.fetch_add(1, Ordering::Relaxed);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let seed = (n, nanos, std::process::id());
    let a = std::collections::hash_map::RandomState::new().hash_one(seed);
    let b = std::collections::hash_map::RandomState::new().hash_one(seed);
    format!("{a:016x}{b:016x}-{}-{n}", std::process::id())
}
