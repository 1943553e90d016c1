//! A small HTTP/1.1 server on 127.0.0.1 (an ephemeral port) for the tests of
//! downloads, the OSV API and the registry index. It answers at most a given number of
//! requests, one connection each, and records what it was asked.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// What the server was asked.
#[derive(Debug, Clone)]
pub struct Request {
    pub method: String,
    pub path: String,
    /// Header names in lower case.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Request {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(known, _)| known == name)
            .map(|(_, value)| value.as_str())
    }
}

/// How it answers.
pub enum Reply {
    Ok(Vec<u8>),
    Status(u16),
    /// A status with a body of its own, as a server explains a refusal.
    Refuse(u16, &'static str),
    /// Waits before answering, to run past a client's timeout.
    Slow(Duration),
    /// Announces the full length and sends only part of the body, then hangs up.
    CutShort(Vec<u8>, usize),
    /// Sends the body a byte at a time, pausing between bytes.
    Drip(Vec<u8>, Duration),
    /// A status with a `Retry-After` of so many seconds.
    RetryAfter(u16, u64),
    /// 200 with an `ETag`.
    Tagged(Vec<u8>, &'static str),
    /// 304 Not Modified, no body.
    NotModified,
}

/// A server's way of answering, boxed to keep several in one list.
pub type Answer = Box<dyn Fn(&Request) -> Reply + Send + Sync>;

pub struct Server {
    pub url: String,
    requests: Arc<Mutex<Vec<Request>>>,
}

impl Server {
    /// Starts serving `answer` for at most `limit` requests.
    pub fn start(limit: usize, answer: impl Fn(&Request) -> Reply + Send + Sync + 'static) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
        let url = format!("http://{}", listener.local_addr().expect("local address"));
        let requests = Arc::new(Mutex::new(Vec::new()));
        let recorded = Arc::clone(&requests);
        let answer = Arc::new(answer);
        std::thread::spawn(move || {
            for stream in listener.incoming().take(limit) {
                let Ok(stream) = stream else { continue };
                let recorded = Arc::clone(&recorded);
                let answer = Arc::clone(&answer);
                std::thread::spawn(move || serve(stream, &recorded, answer.as_ref()));
            }
        });
        Self { url, requests }
    }

    pub fn requests(&self) -> Vec<Request> {
        self.requests.lock().unwrap().clone()
    }

    /// How many requests went to paths starting with `prefix`.
    pub fn count(&self, prefix: &str) -> usize {
        self.requests()
            .iter()
            .filter(|request| request.path.starts_with(prefix))
            .count()
    }
}

fn serve(stream: TcpStream, recorded: &Mutex<Vec<Request>>, answer: &(dyn Fn(&Request) -> Reply + Send + Sync)) {
    let mut reader = BufReader::new(stream.try_clone().expect("clone stream"));
    let mut first = String::new();
    if reader.read_line(&mut first).is_err() {
        return;
    }
    let mut parts = first.split_whitespace();
    let method = parts.next().unwrap_or_default().to_string();
    let path = parts.next().unwrap_or_default().to_string();
    let mut length = 0;
    let mut headers = Vec::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
            break;
        }
        if let Some((name, value)) = line.split_once(':') {
            if name.eq_ignore_ascii_case("content-length") {
                length = value.trim().parse().unwrap_or(0);
            }
            headers.push((name.trim().to_ascii_lowercase(), value.trim().to_string()));
        }
    }
    let mut body = vec![0; length];
    if reader.read_exact(&mut body).is_err() {
        return;
    }
    let request = Request {
        method,
        path,
        headers,
        body,
    };
    recorded.lock().unwrap().push(request.clone());
    let mut stream = stream;
    let mut extra_header = String::new();
    let mut drip = None;
    let (status, body, sent) = match answer(&request) {
        Reply::Ok(body) => {
            let sent = body.len();
            (200, body, sent)
        }
        Reply::Status(status) => (status, b"error".to_vec(), 5),
        Reply::Refuse(status, said) => (status, said.as_bytes().to_vec(), said.len()),
        Reply::Slow(pause) => {
            std::thread::sleep(pause);
            (200, b"{}".to_vec(), 2)
        }
        Reply::CutShort(body, sent) => (200, body, sent),
        Reply::Drip(body, pause) => {
            drip = Some(pause);
            (200, body, 0)
        }
        Reply::Tagged(body, tag) => {
            extra_header = format!("ETag: {tag}\r\n");
            let sent = body.len();
            (200, body, sent)
        }
        Reply::NotModified => (304, Vec::new(), 0),
        Reply::RetryAfter(status, seconds) => {
            extra_header = format!("Retry-After: {seconds}\r\n");
            (status, b"later".to_vec(), 5)
        }
    };
    let head = format!(
        "HTTP/1.1 {status} X\r\nContent-Length: {}\r\n{extra_header}Connection: close\r\n\r\n",
        body.len()
    );
    let _ = stream.write_all(head.as_bytes());
    let _ = stream.write_all(&body[..sent]);
    let _ = stream.flush();
    if let Some(pause) = drip {
        for byte in &body {
            std::thread::sleep(pause);
            if stream
                .write_all(std::slice::from_ref(byte))
                .and_then(|()| stream.flush())
                .is_err()
            {
                return;
            }
        }
    }
}

/// A `.tar.gz` of `folder` below the folder `top` (`advisory-db-main` as in GitHub's
/// archives, `.` for none), plus any `extra` entries written raw (a hostile name, say).
pub fn tar_gz(folder: &std::path::Path, top: &str, extra: &[(&str, &[u8])]) -> Vec<u8> {
    let encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    let mut builder = tar::Builder::new(encoder);
    builder.append_dir_all(top, folder).expect("archive the folder");
    for (name, data) in extra {
        let mut header = tar::Header::new_gnu();
        header.set_size(data.len() as u64);
        header.set_mode(0o644);
        header.set_entry_type(tar::EntryType::Regular);
        header.as_gnu_mut().unwrap().name[..name.len()].copy_from_slice(name.as_bytes());
        header.set_cksum();
        builder.append(&header, *data).expect("append entry");
    }
    builder.into_inner().unwrap().finish().unwrap()
}

/// The tar stream of `folder` below `top`, uncompressed, with its end-of-archive marker
/// (two zero blocks) at the end.
pub fn tar_of(folder: &std::path::Path, top: &str) -> Vec<u8> {
    let mut builder = tar::Builder::new(Vec::new());
    builder.append_dir_all(top, folder).expect("archive the folder");
    builder.into_inner().unwrap()
}

/// `bytes` as one gzip member.
pub fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    encoder.write_all(bytes).unwrap();
    encoder.finish().unwrap()
}

/// A zip of the given files, as named.
pub fn zip_files(files: &[(&str, &[u8])]) -> Vec<u8> {
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (name, data) in files {
        writer.start_file(*name, options).unwrap();
        writer.write_all(data).unwrap();
    }
    writer.finish().unwrap().into_inner()
}

/// A deflated `.zip` of the `*.json` files of `folder`, flat, as OSV's all.zip.
pub fn zip_of(folder: &std::path::Path) -> Vec<u8> {
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    let mut files: Vec<_> = std::fs::read_dir(folder)
        .unwrap()
        .flatten()
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|extension| extension == "json"))
        .collect();
    files.sort();
    for path in files {
        writer
            .start_file(path.file_name().unwrap().to_string_lossy(), options)
            .unwrap();
        writer.write_all(&std::fs::read(&path).unwrap()).unwrap();
    }
    writer.finish().unwrap().into_inner()
}
