//! The upstream: where requests go, over a pooled HTTP/1 client, with rustls for https.

use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::Full;
use hyper::header::HeaderValue;
use hyper_rustls::{HttpsConnector, HttpsConnectorBuilder};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::PemObject;

/// The upstream server and the client that reaches it.
pub(super) struct Upstream {
    /// `scheme://authority`, without a trailing slash.
    pub base: String,
    /// The `Host` header the upstream expects: its authority.
    pub host: HeaderValue,
    pub client: Client<HttpsConnector<HttpConnector>, Full<Bytes>>,
}

impl fmt::Debug for Upstream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Upstream")
            .field("base", &self.base)
            .finish_non_exhaustive()
    }
}

/// Why the upstream cannot be used.
#[derive(Debug)]
#[non_exhaustive]
pub(super) enum UpstreamError {
    /// `--upstream` is not an http or https URL of a server alone.
    Url(String),
    /// The CA file cannot be read, or holds no certificate.
    Roots(PathBuf, Option<rustls::pki_types::pem::Error>),
    /// rustls cannot be set up (the system's roots cannot be loaded).
    Tls(Box<dyn std::error::Error + Send + Sync>),
}

impl fmt::Display for UpstreamError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            UpstreamError::Url(why) => write!(f, "--upstream {why}"),
            UpstreamError::Roots(path, None) => {
                write!(f, "{} holds no PEM certificate", path.display())
            }
            UpstreamError::Roots(path, Some(_)) => {
                write!(f, "cannot read CA certificates from {}", path.display())
            }
            UpstreamError::Tls(_) => f.write_str("cannot set up TLS to the upstream"),
        }
    }
}

impl std::error::Error for UpstreamError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            UpstreamError::Roots(_, Some(source)) => Some(source),
            UpstreamError::Tls(source) => Some(&**source),
            _ => None,
        }
    }
}

/// How long a connection to the upstream may take to open (the exchange's own timeout caps
/// it too).
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

impl Upstream {
    /// The upstream at `url`, trusting the certificates in `ca` (PEM) or the system's roots.
    pub fn new(url: &str, ca: Option<&Path>) -> Result<Self, UpstreamError> {
        let parsed = url::Url::parse(url)
            .map_err(|error| UpstreamError::Url(format!("is not a URL: {error}")))?;
        if !matches!(parsed.scheme(), "http" | "https") {
            return Err(UpstreamError::Url(format!(
                "must be http or https, found {}",
                parsed.scheme()
            )));
        }
        let Some(host) = parsed.host_str() else {
            return Err(UpstreamError::Url("names no host".to_owned()));
        };
        if parsed.path() != "/" || parsed.query().is_some() || parsed.fragment().is_some() {
            return Err(UpstreamError::Url(
                "must be a server alone (scheme, host, port), with no path or query".to_owned(),
            ));
        }
        if !parsed.username().is_empty() || parsed.password().is_some() {
            return Err(UpstreamError::Url("must not carry credentials".to_owned()));
        }
        let authority = match parsed.port() {
            Some(port) => format!("{host}:{port}"),
            None => host.to_owned(),
        };
        let host = HeaderValue::from_str(&authority)
            .map_err(|_| UpstreamError::Url("has a host that is not a header value".to_owned()))?;
        let tls = match ca {
            Some(path) => {
                let mut roots = rustls::RootCertStore::empty();
                for cert in CertificateDer::pem_file_iter(path)
                    .map_err(|error| UpstreamError::Roots(path.to_owned(), Some(error)))?
                {
                    let cert =
                        cert.map_err(|error| UpstreamError::Roots(path.to_owned(), Some(error)))?;
                    roots
                        .add(cert)
                        .map_err(|error| UpstreamError::Tls(error.into()))?;
                }
                if roots.is_empty() {
                    return Err(UpstreamError::Roots(path.to_owned(), None));
                }
                HttpsConnectorBuilder::new().with_tls_config(
                    rustls::ClientConfig::builder_with_provider(provider())
                        .with_safe_default_protocol_versions()
                        .map_err(|error| UpstreamError::Tls(error.into()))?
                        .with_root_certificates(roots)
                        .with_no_client_auth(),
                )
            }
            None => HttpsConnectorBuilder::new()
                .with_provider_and_platform_verifier(provider())
                .map_err(|error| UpstreamError::Tls(error.into()))?,
        };
        let mut http = HttpConnector::new();
        http.enforce_http(false);
        http.set_nodelay(true);
        http.set_connect_timeout(Some(CONNECT_TIMEOUT));
        let connector = tls.https_or_http().enable_http1().wrap_connector(http);
        let client = Client::builder(TokioExecutor::new())
            .pool_idle_timeout(Duration::from_secs(60))
            .build(connector);
        Ok(Upstream {
            base: format!("{}://{authority}", parsed.scheme()),
            host,
            client,
        })
    }
}

/// rustls's cryptography, named rather than left to whichever provider a build happens to
/// enable.
fn provider() -> std::sync::Arc<rustls::crypto::CryptoProvider> {
    std::sync::Arc::new(rustls::crypto::aws_lc_rs::default_provider())
}
