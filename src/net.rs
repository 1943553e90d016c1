//! The one HTTP client of cargo soup: timeouts on every exchange, retries with backoff
//! where they can help (network errors, 429, 5xx), a size limit on every body, and
//! errors that name the URL. Proxies come from the usual environment variables
//! (`HTTPS_PROXY`, `NO_PROXY`) and certificates from the system's trust store, so a
//! company's intercepting proxy and its root certificate work as for other tools.

use anyhow::{Context, Result, anyhow, bail};
use std::collections::HashMap;
use std::io::Read;
use std::sync::Mutex;
use std::time::Duration;
use ureq::config::Config;
use ureq::http::Uri;
use ureq::tls::{RootCerts, TlsConfig};
// ureq's "unversioned" API may change in any release; Cargo.lock pins the version.
use ureq::unversioned::resolver::{DefaultResolver, ResolvedSocketAddrs, Resolver};
use ureq::unversioned::transport::{DefaultConnector, NextTimeout};

/// Attempts per request, the first included.
const ATTEMPTS: u32 = 4;
const DEFAULT_TIMEOUT_SECONDS: u64 = 30;
/// The slowest average a body may arrive at once the timeout has passed: the timeout
/// alone bounds each pause, and a server that sends a byte just before each pause ends
/// would hold a transfer for ever. A 512 MiB archive may so take 9 hours at the most,
/// a 40 KiB index file the timeout and 2.5 seconds.
const SLOWEST_BYTES_PER_SECOND: f64 = 16.0 * 1024.0;
/// The longest `Retry-After` waited for; a server that asks for more is retried on the
/// usual schedule and, if it keeps refusing, reported.
const LONGEST_RETRY_AFTER: Duration = Duration::from_secs(30);

pub struct Client {
    agent: ureq::Agent,
    backoff: Duration,
    timeout: Duration,
}

/// What a request got back, when it got an answer that retrying would not change.
pub enum Reply {
    Body(Vec<u8>),
    /// 304: the copy the validators describe is still current.
    NotModified,
    NotFound,
}

/// What identifies a version of a resource, for asking whether it changed.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Validators {
    pub etag: Option<String>,
    pub last_modified: Option<String>,
}

impl Reply {
    /// The body, where a missing resource is an error.
    fn body(self, url: &str) -> Result<Vec<u8>> {
        match self {
            Reply::Body(body) => Ok(body),
            Reply::NotFound => bail!("{url} answered 404 Not Found: check the URL (or the mirror behind it)"),
            Reply::NotModified => bail!("{url} answered 304 Not Modified to a request that named no copy"),
        }
    }
}

/// Reports the bytes of a body as they arrive (a progress bar).
pub trait Progress {
    fn start(&self, length: Option<u64>);
    fn advance(&self, bytes: u64);
}

impl Progress for () {
    fn start(&self, _: Option<u64>) {}
    fn advance(&self, _: u64) {}
}

impl Client {
    /// `CARGO_SOUP_HTTP_TIMEOUT` (seconds) bounds connecting, waiting for an answer and
    /// each pause while a body arrives.
    pub fn new() -> Result<Self> {
        let seconds = match std::env::var("CARGO_SOUP_HTTP_TIMEOUT") {
            Ok(text) => text
                .trim()
                .parse::<f64>()
                .ok()
                .filter(|seconds| *seconds > 0.0)
                .ok_or_else(|| {
                    anyhow!("CARGO_SOUP_HTTP_TIMEOUT={text} is not a number of seconds; set it to, say, 30 or unset it")
                })?,
            Err(_) => DEFAULT_TIMEOUT_SECONDS as f64,
        };
        let timeout = Some(Duration::from_secs_f64(seconds));
        let config = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .user_agent(concat!("cargo-soup/", env!("CARGO_PKG_VERSION")))
            .timeout_connect(timeout)
            .timeout_recv_response(timeout)
            .timeout_per_read(timeout)
            // Keep a connection per parallel request: each new one costs a DNS lookup
            // and a TLS handshake.
            .max_idle_connections_per_host(PARALLEL)
            .tls_config(TlsConfig::builder().root_certs(RootCerts::PlatformVerifier).build())
            .build();
        let agent = ureq::Agent::with_parts(config, DefaultConnector::new(), OneLookupPerHost::default());
        Ok(Self {
            agent,
            backoff: Duration::from_millis(250).min(Duration::from_secs_f64(seconds / 4.0)),
            timeout: Duration::from_secs_f64(seconds),
        })
    }

    /// GETs `url`; a body over `limit` bytes is an error.
    pub fn get(&self, url: &str, limit: u64, progress: &dyn Progress) -> Result<Vec<u8>> {
        self.get_or_missing(url, limit, progress)?.body(url)
    }

    /// GETs `url`, with a 404 (or 410) as an answer rather than an error.
    pub fn get_or_missing(&self, url: &str, limit: u64, progress: &dyn Progress) -> Result<Reply> {
        Ok(self.exchange(url, limit, progress, || self.agent.get(url).call())?.0)
    }

    /// GETs `url` unless the copy `known` describes is current (304), with the
    /// validators of what came back.
    pub fn get_revalidated(&self, url: &str, limit: u64, known: &Validators) -> Result<(Reply, Validators)> {
        self.exchange(url, limit, &(), || {
            let mut request = self.agent.get(url);
            if let Some(etag) = &known.etag {
                request = request.header("if-none-match", etag);
            }
            if let Some(date) = &known.last_modified {
                request = request.header("if-modified-since", date);
            }
            request.call()
        })
    }

    /// POSTs a JSON body to `url`.
    pub fn post_json(&self, url: &str, body: &serde_json::Value, limit: u64) -> Result<Vec<u8>> {
        let bytes = serde_json::to_vec(body)?;
        let reply = self.exchange(url, limit, &(), || {
            self.agent
                .post(url)
                .header("content-type", "application/json")
                .send(&bytes[..])
        })?;
        reply.0.body(url)
    }

    /// PUTs a JSON body to `url` with one extra header (an API key).
    pub fn put_json(&self, url: &str, header: (&str, &str), body: &[u8], limit: u64) -> Result<Vec<u8>> {
        let reply = self.exchange(url, limit, &(), || {
            self.agent
                .put(url)
                .header("content-type", "application/json")
                .header(header.0, header.1)
                .send(body)
        })?;
        reply.0.body(url)
    }

    /// GETs `url` with one extra header.
    pub fn get_with(&self, url: &str, header: (&str, &str), limit: u64) -> Result<Vec<u8>> {
        let reply = self.exchange(url, limit, &(), || {
            self.agent.get(url).header(header.0, header.1).call()
        })?;
        reply.0.body(url)
    }

    fn exchange(
        &self,
        url: &str,
        limit: u64,
        progress: &dyn Progress,
        send: impl Fn() -> Result<ureq::http::Response<ureq::Body>, ureq::Error>,
    ) -> Result<(Reply, Validators)> {
        let mut last = String::new();
        let mut asked_wait: Option<Duration> = None;
        for attempt in 0..ATTEMPTS {
            if attempt > 0 {
                std::thread::sleep(asked_wait.take().unwrap_or_else(|| self.backoff_before(attempt)));
            }
            let mut response = match send() {
                Ok(response) => response,
                Err(err @ (ureq::Error::BadUri(_) | ureq::Error::Http(_))) => {
                    bail!("{url} is not a usable URL: {err}")
                }
                // A name that does not resolve will not resolve a second later.
                Err(ureq::Error::HostNotFound) => bail!(
                    "the host of {url} is not known (DNS); check the URL, the network or a proxy (HTTPS_PROXY), \
                     or run with --offline on the data already there"
                ),
                Err(err) => {
                    last = err.to_string();
                    continue;
                }
            };
            let status = response.status().as_u16();
            let header = |name: &str| {
                response
                    .headers()
                    .get(name)
                    .and_then(|value| value.to_str().ok())
                    .map(str::to_string)
            };
            let validators = Validators {
                etag: header("etag"),
                last_modified: header("last-modified"),
            };
            match status {
                200..=299 => {}
                304 => return Ok((Reply::NotModified, validators)),
                404 | 410 => return Ok((Reply::NotFound, validators)),
                429 | 500..=599 => {
                    last = format!("HTTP {status}");
                    asked_wait = retry_after(&response).filter(|wait| *wait <= LONGEST_RETRY_AFTER);
                    continue;
                }
                _ => {
                    // What the server said, for a person to read: the first line or so.
                    let said = read_body(response.body_mut(), 4096, &(), self.timeout)
                        .map(|body| {
                            // One line of plain text, whatever the server sent.
                            let text = String::from_utf8_lossy(&body);
                            let words: Vec<&str> = text
                                .split(|c: char| c.is_whitespace() || c.is_control())
                                .filter(|word| !word.is_empty())
                                .collect();
                            words.join(" ").chars().take(300).collect()
                        })
                        .unwrap_or_default();
                    return Err(Refused {
                        url: url.to_string(),
                        status,
                        said,
                    }
                    .into());
                }
            }
            match read_body(response.body_mut(), limit, progress, self.timeout) {
                Ok(body) => return Ok((Reply::Body(body), validators)),
                Err(BodyError::TooLarge) => {
                    bail!("{url} sent more than {limit} bytes, the most cargo soup accepts from it; check the URL")
                }
                Err(BodyError::Broken(err)) => last = format!("the transfer broke off ({err})"),
                // A server that dripped the whole time will drip again.
                Err(BodyError::TooSlow { bytes, seconds }) => bail!(
                    "{url} sent its answer too slowly ({bytes} bytes in {seconds:.1} s, below {} KiB/s on average); \
                     check the network or the mirror, or raise CARGO_SOUP_HTTP_TIMEOUT",
                    SLOWEST_BYTES_PER_SECOND / 1024.0
                ),
            }
        }
        Err(anyhow!("{last}")).with_context(|| {
            format!("{url} failed {ATTEMPTS} times; check the network, a proxy (HTTPS_PROXY) or the mirror's URL, or run with --offline on the data already there")
        })
    }

    /// Exponential, with jitter so that parallel requests do not retry in step.
    fn backoff_before(&self, attempt: u32) -> Duration {
        let base = self.backoff * 2u32.pow(attempt - 1);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |now| now.subsec_nanos());
        base + base.mul_f64(f64::from(nanos % 1000) / 2000.0)
    }
}

/// One DNS lookup per host and run. Parallel requests would each look the host up for
/// a connection of their own, and with a name server that loses one of glibc's parallel
/// A/AAAA queries (seen in containers) every such lookup stalls five seconds.
#[derive(Debug, Default)]
struct OneLookupPerHost {
    inner: DefaultResolver,
    known: Mutex<HashMap<String, ResolvedSocketAddrs>>,
}

impl Resolver for OneLookupPerHost {
    fn resolve(&self, uri: &Uri, config: &Config, timeout: NextTimeout) -> Result<ResolvedSocketAddrs, ureq::Error> {
        let key = format!("{:?}://{:?}", uri.scheme(), uri.authority());
        // Held across the lookup, so parallel requests wait for the first one's answer.
        let mut known = self.known.lock().unwrap_or_else(|err| err.into_inner());
        if let Some(addresses) = known.get(&key) {
            return Ok(addresses.clone());
        }
        let addresses = self.inner.resolve(uri, config, timeout)?;
        known.insert(key, addresses.clone());
        Ok(addresses)
    }
}

/// The wait a 429 or 503 asks for in seconds (`Retry-After: 3`); an HTTP date is left to
/// the usual backoff.
/// A final answer other than success: the status and what the server said.
#[derive(Debug)]
pub struct Refused {
    pub url: String,
    pub status: u16,
    pub said: String,
}

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} answered HTTP {}", self.url, self.status)?;
        if !self.said.is_empty() {
            write!(f, " ({})", self.said)?;
        }
        write!(f, "; check the URL and any credentials the server needs")
    }
}

impl std::error::Error for Refused {}

fn retry_after(response: &ureq::http::Response<ureq::Body>) -> Option<Duration> {
    let value = response.headers().get("retry-after")?.to_str().ok()?;
    value.trim().parse::<u64>().ok().map(Duration::from_secs)
}

enum BodyError {
    TooLarge,
    Broken(std::io::Error),
    TooSlow { bytes: usize, seconds: f64 },
}

/// The body, at most `limit` bytes, arriving no slower than `SLOWEST_BYTES_PER_SECOND`
/// on average once `timeout` has passed: a deadline that grows with what arrived.
fn read_body(
    body: &mut ureq::Body,
    limit: u64,
    progress: &dyn Progress,
    timeout: Duration,
) -> Result<Vec<u8>, BodyError> {
    let started = std::time::Instant::now();
    let length = body.content_length();
    if length.is_some_and(|length| length > limit) {
        return Err(BodyError::TooLarge);
    }
    progress.start(length);
    // ureq's own limit would end the body quietly; one byte more tells "too large".
    let mut reader = body.with_config().limit(limit.saturating_add(1)).reader();
    let mut bytes = Vec::with_capacity(length.unwrap_or(0).min(limit) as usize);
    let mut chunk = vec![0; 64 * 1024];
    loop {
        let read = reader.read(&mut chunk).map_err(BodyError::Broken)?;
        if read == 0 {
            break;
        }
        bytes.extend_from_slice(&chunk[..read]);
        progress.advance(read as u64);
        if bytes.len() as u64 > limit {
            return Err(BodyError::TooLarge);
        }
        let seconds = started.elapsed().as_secs_f64();
        let deadline = timeout.as_secs_f64() + bytes.len() as f64 / SLOWEST_BYTES_PER_SECOND;
        if seconds > deadline {
            return Err(BodyError::TooSlow {
                bytes: bytes.len(),
                seconds,
            });
        }
    }
    if length.is_some_and(|length| length != bytes.len() as u64) {
        return Err(BodyError::Broken(std::io::Error::new(
            std::io::ErrorKind::UnexpectedEof,
            format!("{} of {} bytes arrived", bytes.len(), length.unwrap_or_default()),
        )));
    }
    Ok(bytes)
}

/// Requests in flight at once when many are needed.
const PARALLEL: usize = 8;

/// `request` for every item, a few at a time, in the items' order; the first error
/// stops the rest.
pub fn in_parallel<T: Sync, R: Send>(items: &[T], request: impl Fn(&T) -> Result<R> + Sync) -> Result<Vec<R>> {
    use std::sync::Mutex;
    use std::sync::atomic::{AtomicUsize, Ordering};
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<(usize, R)>> = Mutex::new(Vec::with_capacity(items.len()));
    let failure: Mutex<Option<anyhow::Error>> = Mutex::new(None);
    std::thread::scope(|scope| {
        for _ in 0..PARALLEL.min(items.len()) {
            scope.spawn(|| {
                loop {
                    let at = next.fetch_add(1, Ordering::Relaxed);
                    let Some(item) = items.get(at) else { break };
                    match request(item) {
                        Ok(result) => results.lock().unwrap_or_else(|err| err.into_inner()).push((at, result)),
                        Err(err) => {
                            failure.lock().unwrap_or_else(|err| err.into_inner()).get_or_insert(err);
                            next.store(items.len(), Ordering::Relaxed);
                        }
                    }
                }
            });
        }
    });
    if let Some(err) = failure.into_inner().unwrap_or_else(|err| err.into_inner()) {
        return Err(err);
    }
    let mut results = results.into_inner().unwrap_or_else(|err| err.into_inner());
    results.sort_by_key(|(at, _)| *at);
    Ok(results.into_iter().map(|(_, result)| result).collect())
}
