//! The simulator without a socket, for the fuzz targets: a request goes to the same code the
//! HTTP server runs after reading a body (routing, the size limit, faults, the endpoint's
//! behaviour, the response check), and the answer comes back as bytes. Not API: it may change
//! with the server's insides.

use std::sync::Arc;

use http_body_util::BodyExt;
use hyper::Method;

use crate::server::{Shared, not_found};
use crate::world::World;
use crate::{Error, SimConfig};

/// A simulator whose requests are function calls.
#[derive(Debug)]
pub struct InProcess {
    shared: Arc<Shared>,
}

/// What a request gets.
#[derive(Debug, PartialEq, Eq)]
pub enum Answer {
    /// An HTTP status and body.
    Sent(u16, Vec<u8>),
    /// The connection was closed without an answer (the `drop_rate` fault).
    Dropped,
}

impl InProcess {
    /// Builds the state of `config` (its address and recording are not used).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidState`] when the state contradicts itself.
    pub fn new(config: SimConfig) -> Result<Self, Error> {
        let world = World::new(config.state, config.seed, config.expires_in)?;
        let shared = Shared::new(world, config.clock, config.max_body_bytes, None);
        Ok(InProcess {
            shared: Arc::new(shared),
        })
    }

    /// Serves one request: `method` as sent (a method hyper would not parse gets 400, as from
    /// hyper), `url` the path and query, `body` the bytes.
    pub async fn request(&self, method: &[u8], url: &str, body: &[u8]) -> Answer {
        let Ok(method) = Method::from_bytes(method) else {
            return Answer::Sent(400, Vec::new());
        };
        let path = url.split_once('?').map_or(url, |(path, _)| path);
        let response = match self.shared.route(path) {
            None => Ok(not_found()),
            Some(endpoint) if body.len() > self.shared.max_body_bytes => {
                Ok(self.shared.too_large(endpoint))
            }
            Some(endpoint) => self.shared.respond(endpoint, &method, url, body).await,
        };
        let Ok(response) = response else {
            return Answer::Dropped;
        };
        let status = response.status().as_u16();
        // `Full` cannot fail.
        let bytes = match response.into_body().collect().await {
            Ok(collected) => collected.to_bytes().to_vec(),
            Err(never) => match never {},
        };
        Answer::Sent(status, bytes)
    }

    /// How many answers failed their endpoint's response schema (see
    /// [`RunningSimulator::schema_violations`](crate::RunningSimulator::schema_violations)).
    #[must_use]
    pub fn schema_violations(&self) -> u64 {
        self.shared.violations()
    }

    /// The first answers that failed their response schema.
    #[must_use]
    pub fn schema_violation_reports(&self) -> Vec<String> {
        self.shared.violation_reports()
    }
}
