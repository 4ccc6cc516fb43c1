//! TLS to the upstream, as to the real WeCom: a local TLS terminator in front of the
//! simulator, with a certificate made for the test. The proxy trusts it only when told to.

use std::sync::Arc;

use rcgen::{CertifiedKey, generate_simple_self_signed};
use serde_json::Value;
use tokio::net::{TcpListener, TcpStream};
use tokio_rustls::TlsAcceptor;
use tokio_rustls::rustls::ServerConfig;
use tokio_rustls::rustls::pki_types::{PrivateKeyDer, PrivatePkcs8KeyDer};
use wecom_rooms_sim::{SimConfig, Simulator};

use crate::support::{CORP_ID, Proxy, SECRET, http, metric, post};

/// Serves TLS for `localhost` on a free port, passing the plain bytes to `upstream`.
async fn terminator(cert: &CertifiedKey<rcgen::KeyPair>, upstream: std::net::SocketAddr) -> u16 {
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(cert.signing_key.serialize_der()));
    let provider = Arc::new(tokio_rustls::rustls::crypto::aws_lc_rs::default_provider());
    let config = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(vec![cert.cert.der().clone()], key)
        .unwrap();
    let acceptor = TlsAcceptor::from(Arc::new(config));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                // A handshake the client refuses ends here; that is the point of one test.
                let Ok(mut tls) = acceptor.accept(stream).await else {
                    return;
                };
                let Ok(mut plain) = TcpStream::connect(upstream).await else {
                    return;
                };
                let _ = tokio::io::copy_bidirectional(&mut tls, &mut plain).await;
            });
        }
    });
    port
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_https_upstream_is_reached_over_rustls_and_its_certificate_checked() {
    let sim = Simulator::start(SimConfig::new()).await.unwrap();
    let cert = generate_simple_self_signed(vec!["localhost".to_owned()]).unwrap();
    let port = terminator(&cert, sim.addr()).await;
    let dir = std::env::temp_dir().join(format!("wecom-rooms-proxy-tls-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let ca = dir.join("ca.pem");
    std::fs::write(&ca, cert.cert.pem()).unwrap();
    let upstream = format!("https://localhost:{port}");
    let gettoken = format!("/cgi-bin/gettoken?corpid={CORP_ID}&corpsecret={SECRET}");

    let trusting = Proxy::start(&upstream, &["--upstream-ca", ca.to_str().unwrap()]);
    let answer: Value = (http()
        .get(format!("{}{gettoken}", trusting.url))
        .send()
        .await)
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(answer["errcode"], 0, "{answer}");
    let token = answer["access_token"].as_str().unwrap();
    let (status, listed) = post(&trusting.url, "list", token, "{}").await;
    let listed: Value = serde_json::from_slice(&listed).unwrap();
    assert_eq!((status, &listed["errcode"]), (200, &Value::from(0)));
    let stopped = trusting.stop();
    assert!(stopped.findings("violation").is_empty(), "{}", stopped.log);

    // With the system's roots, the test's certificate is refused: no exchange.
    let doubting = Proxy::start(&upstream, &[]);
    let response = http()
        .get(format!("{}{gettoken}", doubting.url))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 502);
    let series =
        "wecom_rooms_proxy_upstream_errors_total{endpoint=\"/cgi-bin/gettoken\",kind=\"connect\"}";
    assert_eq!(metric(&doubting, series).await, 1.0);
    drop(doubting);
    sim.shutdown().await;
    let _ = std::fs::remove_dir_all(&dir);
}
