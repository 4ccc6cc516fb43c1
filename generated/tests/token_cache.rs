//! The token's life without a network: one fetch for many callers, errors shared and not
//! kept, invalidation, expiry, applications kept apart, nothing secret in `Debug`.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use wecom_rooms::token::{App, Grant, MemoryStore, TokenCache, TokenError, invalidates_token};
use wecom_rooms::{AccessToken, ApiError, Error};

/// A gettoken stand-in that counts its calls, waits a little (so that callers pile up), and
/// grants `token-N` valid for `expires_in`, or fails when `fail` is set.
#[derive(Clone)]
struct Fetcher {
    calls: Arc<AtomicUsize>,
    expires_in: Duration,
    fail: bool,
}

impl Fetcher {
    fn new(expires_in: Duration) -> Self {
        Fetcher {
            calls: Arc::new(AtomicUsize::new(0)),
            expires_in,
            fail: false,
        }
    }

    fn calls(&self) -> usize {
        self.calls.load(Ordering::SeqCst)
    }

    fn fetch(
        &self,
    ) -> impl FnOnce() -> std::pin::Pin<
        Box<dyn std::future::Future<Output = Result<Grant, Error>> + Send>,
    > + Send
    + 'static {
        let this = self.clone();
        move || {
            Box::pin(async move {
                let n = this.calls.fetch_add(1, Ordering::SeqCst) + 1;
                tokio::time::sleep(Duration::from_millis(20)).await;
                if this.fail {
                    return Err(Error::Api(ApiError::new(-1, "system busy")));
                }
                Ok(Grant {
                    token: AccessToken::new(format!("token-{n}")).unwrap(),
                    expires_in: this.expires_in,
                })
            })
        }
    }
}

const TWO_HOURS: Duration = Duration::from_secs(7200);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn many_callers_cause_one_fetch() {
    let cache = TokenCache::default();
    let app = App::new("ww1", "secret-1");
    let fetcher = Fetcher::new(TWO_HOURS);
    let tasks: Vec<_> = (0..50)
        .map(|_| {
            let (cache, app, fetch) = (cache.clone(), app.clone(), fetcher.fetch());
            tokio::spawn(async move { cache.token(&app, fetch).await })
        })
        .collect();
    for task in tasks {
        let token = task.await.unwrap().unwrap();
        assert_eq!(token.expose(), "token-1");
    }
    assert_eq!(fetcher.calls(), 1);
    // Fresh: later callers do not fetch either.
    let token = cache.token(&app, fetcher.fetch()).await.unwrap();
    assert_eq!((token.expose(), fetcher.calls()), ("token-1", 1));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_fetch_reaches_every_waiter_and_the_next_caller_tries_again() {
    let cache = TokenCache::default();
    let app = App::new("ww1", "secret-1");
    let mut failing = Fetcher::new(TWO_HOURS);
    failing.fail = true;
    let tasks: Vec<_> = (0..20)
        .map(|_| {
            let (cache, app, fetch) = (cache.clone(), app.clone(), failing.fetch());
            tokio::spawn(async move { cache.token(&app, fetch).await })
        })
        .collect();
    for task in tasks {
        let error = task.await.unwrap().unwrap_err();
        let TokenError::Fetch(cause) = &error else {
            panic!("{error:?}")
        };
        assert!(matches!(&**cause, Error::Api(e) if e.errcode() == -1));
        assert_eq!(error.to_string(), "cannot fetch an access token");
        let source = std::error::Error::source(&error).unwrap().to_string();
        assert_eq!(source, "wecom error -1: system busy");
    }
    assert_eq!(failing.calls(), 1);
    let working = Fetcher::new(TWO_HOURS);
    let token = cache.token(&app, working.fetch()).await.unwrap();
    assert_eq!((token.expose(), working.calls()), ("token-1", 1));
}

#[tokio::test]
async fn an_invalidated_token_is_fetched_again_but_a_stale_invalidation_drops_nothing() {
    let cache = TokenCache::default();
    let app = App::new("ww1", "secret-1");
    let fetcher = Fetcher::new(TWO_HOURS);
    let first = cache.token(&app, fetcher.fetch()).await.unwrap();
    cache.invalidate(&app, &first).await.unwrap();
    let second = cache.token(&app, fetcher.fetch()).await.unwrap();
    assert_eq!((second.expose(), fetcher.calls()), ("token-2", 2));
    // Another caller still holding the first token reports it invalid: the second stays.
    cache.invalidate(&app, &first).await.unwrap();
    let again = cache.token(&app, fetcher.fetch()).await.unwrap();
    assert_eq!((again.expose(), fetcher.calls()), ("token-2", 2));
    for code in [40014, 42001, 41001] {
        assert!(invalidates_token(code), "{code}");
    }
    for code in [0, -1, 45009, 40013] {
        assert!(!invalidates_token(code), "{code}");
    }
}

#[tokio::test]
async fn a_token_is_replaced_before_it_expires() {
    // A 60 s margin on a token valid for 10 s takes at most half its life: it is used for
    // 5 s. A token valid for 0 s is replaced on every call.
    let cache = TokenCache::with_margin(MemoryStore::new(), Duration::from_secs(60));
    let app = App::new("ww1", "secret-1");
    let short = Fetcher::new(Duration::from_secs(10));
    cache.token(&app, short.fetch()).await.unwrap();
    cache.token(&app, short.fetch()).await.unwrap();
    assert_eq!(short.calls(), 1, "half of a 10 s life is still ahead");
    let expired = Fetcher::new(Duration::ZERO);
    let other = App::new("ww1", "secret-2");
    cache.token(&other, expired.fetch()).await.unwrap();
    cache.token(&other, expired.fetch()).await.unwrap();
    assert_eq!(expired.calls(), 2);
}

#[tokio::test]
async fn applications_are_kept_apart_and_secrets_never_shown() {
    let cache = TokenCache::default();
    let one = App::new("ww1", "secret-one");
    let two = App::new("ww1", "secret-two");
    let fetcher = Fetcher::new(TWO_HOURS);
    let a = cache.token(&one, fetcher.fetch()).await.unwrap();
    let b = cache.token(&two, fetcher.fetch()).await.unwrap();
    assert_ne!(a.expose(), b.expose());
    assert_eq!(fetcher.calls(), 2);
    for shown in [
        format!("{cache:?}"),
        format!("{one:?}"),
        one.key(),
        format!("{a:?}"),
    ] {
        for secret in ["secret-one", "token-1", "token-2"] {
            assert!(!shown.contains(secret), "{shown}");
        }
    }
    assert_ne!(one.key(), two.key());
    assert!(one.key().starts_with("ww1:"));
}
