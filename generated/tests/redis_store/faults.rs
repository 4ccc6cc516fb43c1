//! Redis failing under running clients: restarted (tokens and locks gone), paused past the
//! store's timeout (`SIGSTOP`, then `SIGCONT`), and a lock holder slower than `lock_ttl`, alive
//! or stalled. Every wait is bounded, so a regression fails instead of hanging.

use std::collections::HashSet;
use std::io::Write;
use std::sync::Arc;
use std::time::{Duration, Instant};

use wecom_rooms::AccessToken;
use wecom_rooms::token::{
    App, Grant, RedisStore, Refresh, RefreshLock, TokenCache, TokenError, TokenStore,
};

use super::server::{self, redis_server};
use super::{Fetcher, TWO_HOURS, app, child, store};

/// The longest any one step of these tests may take before it counts as hung.
const HANG: Duration = Duration::from_secs(20);

async fn bounded<T>(what: &str, future: impl Future<Output = T>) -> T {
    tokio::time::timeout(HANG, future)
        .await
        .unwrap_or_else(|_| panic!("{what} did not finish within {HANG:?}"))
}

/// Waits (bounded) until `condition` holds, checking every 20 ms.
async fn until<F: Future<Output = bool>>(what: &str, mut condition: impl FnMut() -> F) {
    bounded(what, async {
        while !condition().await {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await;
}

async fn stored_token(raw: &mut redis::aio::MultiplexedConnection, key: &str) -> Option<String> {
    let value: Option<String> = redis::cmd("GET").arg(key).query_async(raw).await.unwrap();
    let json: Option<serde_json::Value> = value.map(|v| serde_json::from_str(&v).unwrap());
    json.map(|json| json["token"].as_str().unwrap().to_owned())
}

/// `tasks` concurrent calls for a token of `app`, spread over `caches`: the distinct tokens
/// they got.
async fn tokens_from<S: TokenStore>(
    caches: &[TokenCache<S>],
    app: &App,
    fetcher: &Fetcher,
    tasks: usize,
) -> Result<HashSet<String>, TokenError> {
    let start = Arc::new(tokio::sync::Barrier::new(tasks));
    let handles: Vec<_> = (0..tasks)
        .map(|i| {
            let (cache, app) = (caches[i % caches.len()].clone(), app.clone());
            let (fetch, start) = (fetcher.fetch(), start.clone());
            tokio::spawn(async move {
                start.wait().await;
                cache.token(&app, fetch).await
            })
        })
        .collect();
    let mut seen = HashSet::new();
    for handle in handles {
        let token = bounded("a token call", handle).await.unwrap()?;
        seen.insert(token.expose().to_owned());
    }
    Ok(seen)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restart_costs_one_gettoken_per_application() {
    let mut server = redis_server!();
    let mut caches = Vec::new();
    for _ in 0..3 {
        caches.push(TokenCache::new(store(&server.url()).await));
    }
    // Tokens due for refresh 2 s after they are issued (half of their 4 s).
    let apps = [app(), App::new("ww2", "secret-2")];
    let fetchers = [(); 2].map(|()| Fetcher::new(Duration::from_secs(4)));
    for (app, fetcher) in apps.iter().zip(&fetchers) {
        let seen = tokens_from(&caches, app, fetcher, 9).await.unwrap();
        assert_eq!((seen.len(), fetcher.calls()), (1, 1));
    }
    let issued = Instant::now();

    // Every token and lock is gone, and every client's connection is to a dead server.
    server.restart();
    let mut raw = server.connection().await;
    assert_eq!(
        stored_token(&mut raw, &caches[0].store().token_key(&apps[0])).await,
        None
    );
    tokio::time::sleep(Duration::from_millis(2100).saturating_sub(issued.elapsed())).await;

    for (app, fetcher) in apps.iter().zip(&fetchers) {
        let seen = tokens_from(&caches, app, fetcher, 9)
            .await
            .expect("every call after the restart gets a token");
        assert_eq!(seen.len(), 1, "one token shared by every client: {seen:?}");
        assert_eq!(
            fetcher.calls(),
            2,
            "one gettoken per application after the restart"
        );
        let stored = stored_token(&mut raw, &caches[0].store().token_key(app)).await;
        assert_eq!(stored.as_ref(), seen.iter().next());
    }
}

async fn paused_store(url: &str, fallback: bool) -> RedisStore {
    RedisStore::builder(url)
        .lock_ttl(Duration::from_millis(500))
        .wait_timeout(Duration::from_secs(5))
        .timeout(Duration::from_millis(300))
        .fallback_to_memory(fallback)
        .build()
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_paused_server_is_a_store_error_or_a_fallback_and_both_recover() {
    let server = redis_server!();
    let (strict, fallback) = (
        paused_store(&server.url(), false).await,
        paused_store(&server.url(), true).await,
    );
    strict.ping().await.unwrap();
    fallback.ping().await.unwrap();
    let raw = server.connection().await;
    let fetcher = Fetcher::new(TWO_HOURS);

    // Paused past the 300 ms timeout: connections stay open, nothing is answered.
    server.pause();
    let error = bounded(
        "a call to a paused server",
        TokenCache::new(strict.clone()).token(&app(), fetcher.fetch()),
    )
    .await
    .unwrap_err();
    let TokenError::Store(cause) = &error else {
        panic!("expected a store error, got {error:?}");
    };
    assert!(
        cause
            .to_string()
            .starts_with("cannot take the refresh lock of ww1:"),
        "{cause}"
    );
    let redis_error = std::error::Error::source(&**cause)
        .and_then(|source| source.downcast_ref::<redis::RedisError>())
        .expect("the redis error as source");
    assert!(redis_error.is_timeout(), "{redis_error:?}");
    assert_eq!(fetcher.calls(), 0);

    let token = bounded(
        "a call with the fallback",
        TokenCache::new(fallback.clone()).token(&app(), fetcher.fetch()),
    )
    .await
    .expect("the fallback serves from memory");
    assert_eq!((token.expose(), fetcher.calls()), ("token-1", 1));
    let fallbacks = fallback.fallbacks();
    assert!(fallbacks >= 1, "{fallbacks}");

    server.resume();
    // The fallback's token reaches Redis once it answers...
    let key = strict.token_key(&app());
    until("the write-back of the fallback's token", || {
        let (mut raw, key) = (raw.clone(), key.clone());
        async move { stored_token(&mut raw, &key).await.as_deref() == Some("token-1") }
    })
    .await;
    // ...so that the strict client, working again, uses it instead of fetching.
    let again = bounded(
        "the strict client after the pause",
        TokenCache::new(strict.clone()).token(&app(), fetcher.fetch()),
    )
    .await
    .expect("the strict client recovers");
    assert_eq!((again.expose(), fetcher.calls()), ("token-1", 1));
    // The fallback client is back on Redis: no more fallbacks.
    let other = App::new("ww2", "secret-2");
    bounded(
        "the fallback client after the pause",
        TokenCache::new(fallback.clone()).token(&other, fetcher.fetch()),
    )
    .await
    .unwrap();
    assert_eq!((fetcher.calls(), fallback.fallbacks()), (2, fallbacks));
    let seen_by_strict = strict.get(&other).await.unwrap().expect("stored in redis");
    assert_eq!(seen_by_strict.token.expose(), "token-2");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_holder_that_is_alive_keeps_its_lock_and_fetches_once() {
    let server = redis_server!();
    let mut caches = Vec::new();
    for _ in 0..3 {
        // A 300 ms lock; the fetch takes 1.2 s, four times as long.
        let store = RedisStore::builder(server.url())
            .lock_ttl(Duration::from_millis(300))
            .build()
            .await
            .unwrap();
        caches.push(TokenCache::new(store));
    }
    let mut fetcher = Fetcher::new(TWO_HOURS);
    fetcher.delay = Duration::from_millis(1200);
    let seen = tokens_from(&caches, &app(), &fetcher, 9).await.unwrap();
    assert_eq!(seen.len(), 1, "{seen:?}");
    assert_eq!(
        fetcher.calls(),
        1,
        "the lock was kept alive through the fetch"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_the_holder_extends_the_lock() {
    let server = redis_server!();
    let store = RedisStore::builder(server.url())
        .lock_ttl(Duration::from_millis(300))
        .build()
        .await
        .unwrap();
    let mut raw = server.connection().await;
    let ours = app();
    let Refresh::Yours(lock) = store.begin_refresh(&ours).await.unwrap() else {
        panic!("nobody else holds the lock");
    };
    // Kept alive for 1 s, more than three times its ttl: still there, still ours.
    let kept = tokio::time::timeout(Duration::from_secs(1), store.keep_alive(&ours, &lock));
    assert!(kept.await.is_err(), "keeping a lock that is ours goes on");
    let holder: Option<String> = redis::cmd("GET")
        .arg(store.lock_key(&ours))
        .query_async(&mut raw)
        .await
        .unwrap();
    assert_eq!(holder.as_deref(), Some(lock.id.as_str()));

    // Someone else's lock, set without an expiry: keeping it as ours stops and sets none.
    let other = App::new("ww2", "secret-2");
    let _: () = redis::cmd("SET")
        .arg(store.lock_key(&other))
        .arg("someone-else")
        .query_async(&mut raw)
        .await
        .unwrap();
    let not_ours = RefreshLock {
        id: "not-theirs".into(),
    };
    bounded(
        "keeping a lock that is not ours",
        store.keep_alive(&other, &not_ours),
    )
    .await;
    let pttl: i64 = redis::cmd("PTTL")
        .arg(store.lock_key(&other))
        .query_async(&mut raw)
        .await
        .unwrap();
    assert_eq!(pttl, -1, "someone else's lock was given an expiry");
    store.finish_refresh(&ours, lock, None).await.unwrap();
}

/// Set in the child process of the next test.
const STALLED_ENV: &str = "WECOM_ROOMS_TEST_REDIS_STALLED_HOLDER";
const FETCHING: &str = "fetching under the refresh lock";
const DONE: &str = "the stalled holder got";

/// The child process of the next test: takes the lock through a cache (which keeps it alive)
/// and fetches for 3 s, during which its parent stops it.
#[tokio::test]
#[ignore = "the child process of a_stalled_holder_costs_at_most_two_gettokens"]
async fn stalled_holder_child() {
    let url = std::env::var(STALLED_ENV).expect("run by its parent test");
    let store = RedisStore::builder(url)
        .lock_ttl(Duration::from_millis(300))
        .build()
        .await
        .unwrap();
    let token = TokenCache::new(store)
        .token(&app(), || async {
            println!("{FETCHING}");
            std::io::stdout().flush().unwrap();
            tokio::time::sleep(Duration::from_secs(3)).await;
            Ok(Grant {
                token: AccessToken::new("child-token").unwrap(),
                expires_in: TWO_HOURS,
            })
        })
        .await
        .unwrap();
    println!("{DONE} {}", token.expose());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stalled_holder_costs_at_most_two_gettokens() {
    let server = redis_server!();
    let (mut child, lines) =
        child::spawn("faults::stalled_holder_child", (STALLED_ENV, &server.url()));
    child::wait_for(&lines, FETCHING);
    // Stopped mid-fetch, as a process is in a long pause: it cannot keep its lock alive.
    server::signal(&child.0, "-STOP");
    let probe = store(&server.url()).await;
    let lock_key = probe.lock_key(&app());
    let raw = server.connection().await;
    until("the stalled holder's lock to expire", || {
        let (mut raw, key) = (raw.clone(), lock_key.clone());
        async move {
            let exists: bool = redis::cmd("EXISTS")
                .arg(key)
                .query_async(&mut raw)
                .await
                .unwrap();
            !exists
        }
    })
    .await;

    let mut caches = Vec::new();
    for _ in 0..3 {
        caches.push(TokenCache::new(store(&server.url()).await));
    }
    let fetcher = Fetcher::new(TWO_HOURS);
    let seen = tokens_from(&caches, &app(), &fetcher, 9).await.unwrap();
    assert_eq!(
        (seen.len(), fetcher.calls()),
        (1, 1),
        "one waiter took over the expired lock; the child's fetch was still under way"
    );

    // The holder goes on, finishes its fetch and stores the longer-lived token.
    server::signal(&child.0, "-CONT");
    let done = child::wait_for(&lines, DONE);
    assert!(done.ends_with("child-token"), "{done}");
    let status = bounded("the child's exit", async {
        loop {
            if let Some(status) = child.0.try_wait().unwrap() {
                return status;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await;
    assert!(status.success(), "{status}");

    // Two gettokens in all (the child's and one waiter's), and a newcomer fetches none.
    let late = TokenCache::new(store(&server.url()).await);
    let token = late.token(&app(), fetcher.fetch()).await.unwrap();
    assert_eq!(fetcher.calls(), 1);
    assert_eq!(
        token.expose(),
        "child-token",
        "the longer-lived token is kept"
    );
}
