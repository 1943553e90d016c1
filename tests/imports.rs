//! Imported assessments: two devices (on fixtures/vulnerable) share the library
//! fixtures/imports/library.toml, one by `path`, one by `url` from a server on
//! 127.0.0.1. soup.lock pins what was taken; a library change is `import-changed`
//! until `import --update`; the device's fields win; imported dispositions count only
//! once accepted; the report names the provenance; every bad library is a located
//! error, exit 2, with nothing written.

mod common;

use common::server::{Reply, Request, Server};
use common::{VULNERABLE_SOUP, fixture, soup};
use serde_json::Value;
use std::path::{Path, PathBuf};

/// Device A: the vulnerable fixture's assessment, with its own entries for time
/// (taking the library's crate-level fields, its own vendor, accepting the library's
/// dispositions) and smallvec (accepting none).
fn device_a(import: &str) -> String {
    let replaced = [
        (
            "review-interval = \"3650d\"\n",
            format!("review-interval = \"3650d\"\n\n[imports.company]\n{import}\n"),
        ),
        (
            "[soup.time]\nversion = \"0.1.43\"\nlicense = \"MIT OR Apache-2.0\"\nclass = \"A\"\n",
            "[soup.time]\nvendor = \"Chosen by device A\"\nclass = \"A\"\naccept-imported = true\n".into(),
        ),
        (
            "[soup.smallvec]\nversion = \"0.6.13\"\nlicense = \"MIT OR Apache-2.0\"\n",
            "[soup.smallvec]\n".into(),
        ),
    ];
    replaced.iter().fold(VULNERABLE_SOUP.to_string(), |text, (from, to)| {
        assert!(text.contains(from), "{from}");
        text.replace(from, to)
    })
}

/// A device folder: soup.toml and a copy of the library beside it.
struct Device {
    dir: tempfile::TempDir,
    cache: tempfile::TempDir,
}

impl Device {
    fn new(soup_toml: &str) -> Self {
        let dir = tempfile::tempdir().unwrap();
        std::fs::copy(fixture("imports/library.toml"), dir.path().join("library.toml")).unwrap();
        std::fs::write(dir.path().join("soup.toml"), soup_toml).unwrap();
        Self {
            dir,
            cache: tempfile::tempdir().unwrap(),
        }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn run(&self, args: &[&str], online: bool) -> std::process::Output {
        let mut command = soup();
        if online {
            command.env_remove("CARGO_SOUP_OFFLINE");
        }
        command
            .env("CARGO_SOUP_TOOLCHAIN_VERSION", "1.95.0")
            .args(args)
            .arg("--manifest-path")
            .arg(fixture("vulnerable").join("Cargo.toml"))
            .arg("--soup-file")
            .arg(self.path("soup.toml"))
            .arg("--cache-dir")
            .arg(self.cache.path());
        command.output().unwrap()
    }

    fn audit(&self) -> (Option<i32>, Value) {
        let output = self.run(
            &[
                "audit",
                "--advisory-db",
                fixture("advisory-db").to_str().unwrap(),
                "--no-osv",
                "--as-of",
                "2026-11-25",
                "--format",
                "json",
            ],
            false,
        );
        let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
        let document = serde_json::from_slice(&output.stdout).unwrap_or_else(|_| panic!("{stderr}"));
        (output.status.code(), document)
    }
}

fn item<'d>(document: &'d Value, name: &str) -> &'d Value {
    document["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|item| item["name"] == name)
        .unwrap_or_else(|| panic!("{name}"))
}

fn codes_on(document: &Value, krate: &str) -> Vec<(String, String)> {
    let mut codes: Vec<(String, String)> = document["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|finding| finding["crate"] == krate)
        .map(|finding| {
            let id = finding["advisory"]["id"].as_str().unwrap_or_default().to_string();
            (finding["code"].as_str().unwrap().to_string(), id)
        })
        .collect();
    codes.sort();
    codes
}

#[test]
fn a_path_import_fills_what_the_device_leaves_and_its_dispositions_need_acceptance() {
    let device = Device::new(&device_a("path = \"library.toml\""));
    let (_, document) = device.audit();
    let time = item(&document, "time");
    assert_eq!(time["status"], "assessed", "{time}");
    assert_eq!(
        time["imported"],
        serde_json::json!({"version": "company", "license": "company", "anomalies": "company",
                           "surveillance": "company", "advisories": "company"}),
        "the device's own vendor is not taken"
    );
    assert!(
        codes_on(&document, "time").is_empty(),
        "accepted: {:?}",
        codes_on(&document, "time")
    );
    let smallvec = codes_on(&document, "smallvec");
    assert!(
        smallvec.iter().any(|(code, _)| code == "vulnerability"),
        "the library's smallvec entry has no dispositions, and none were accepted: {smallvec:?}"
    );
    // soup.lock was written by this first audit, with a digest per entry.
    let lock = std::fs::read_to_string(device.path("soup.lock")).unwrap();
    assert!(
        lock.contains("name = \"company\"") && lock.contains("\"time\" = ") && lock.contains("\"smallvec\" = "),
        "{lock}"
    );

    // The device's own vendor wins over the library's.
    let output = device.run(&["list", "--format", "json"], false);
    let list: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(item(&list, "time")["imported"]["anomalies"], "company");
    let report = device.run(&["report", "--no-rustsec", "--no-osv", "--as-of", "2026-11-25"], false);
    let markdown = String::from_utf8(report.stdout).unwrap();
    assert!(markdown.contains("- **Vendor:** Chosen by device A"), "{markdown}");
    assert!(
        markdown.contains("- **Imported:** version, license, anomalies, surveillance, advisories: from the company library (library.toml, sha256 "),
        "{markdown}"
    );
}

#[test]
fn a_changed_library_is_import_changed_until_import_update() {
    let device = Device::new(&device_a("path = \"library.toml\""));
    let (code, _) = device.audit();
    assert_eq!(code, Some(1), "smallvec's advisories are open");
    let library = device.path("library.toml");
    let changed = std::fs::read_to_string(&library).unwrap().replace(
        "by = \"Library Reviewer\"\nsummary = \"Five",
        "by = \"Another Reviewer\"\nsummary = \"Five",
    );
    std::fs::write(&library, changed).unwrap();
    let (_, document) = device.audit();
    assert_eq!(
        codes_on(&document, "smallvec")
            .iter()
            .filter(|(code, _)| code == "import-changed")
            .count(),
        1
    );
    assert!(
        codes_on(&document, "time").is_empty(),
        "time's library entry did not change"
    );
    let report = device.run(&["report", "--no-rustsec", "--no-osv", "--as-of", "2026-11-25"], false);
    let markdown = String::from_utf8(report.stdout).unwrap();
    assert!(
        markdown.contains("Library Reviewer") && !markdown.contains("Another Reviewer"),
        "the record keeps to the locked content"
    );
    let output = device.run(&["import", "--update"], false);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert!(
        String::from_utf8_lossy(&output.stdout).contains("wrote"),
        "{}",
        String::from_utf8_lossy(&output.stdout)
    );
    let (_, document) = device.audit();
    assert!(
        codes_on(&document, "smallvec")
            .iter()
            .all(|(code, _)| code != "import-changed")
    );
}

/// The library served from 127.0.0.1 for device B, whose own entries leave time and
/// smallvec to it; offline afterwards it comes from the cache folder.
#[test]
fn a_url_import_is_kept_for_offline_audits_and_import_only_crates_count_for_class_a() {
    let library = std::fs::read(fixture("imports/library.toml")).unwrap();
    let server = Server::start(20, move |request: &Request| match request.path.as_str() {
        "/library.toml" => Reply::Ok(library.clone()),
        _ => Reply::Status(404),
    });
    let soup_toml = device_a(&format!("url = \"{}/library.toml\"", server.url))
        .replace("[soup.smallvec]\nclass = \"A\"\ncovers = [\"maybe-uninit\"]\n", "")
        .replace("accept-imported = true\n", "");
    let device = Device::new(&soup_toml);
    let output = device.run(&["import"], true);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert_eq!(server.count("/library.toml"), 1);
    let (_, document) = device.audit();
    let smallvec = item(&document, "smallvec");
    assert_eq!(
        smallvec["status"], "assessed",
        "class A and complete in the library: {smallvec}"
    );
    assert_eq!(smallvec["imported"]["anomalies"], "company");
    assert!(
        codes_on(&document, "time")
            .iter()
            .any(|(code, _)| code == "vulnerability"),
        "device B did not accept the library's dispositions: {:?}",
        codes_on(&document, "time")
    );
    assert_eq!(
        server.count("/library.toml"),
        1,
        "the offline audit read the cache folder"
    );

    // Online, a library server that no longer answers leaves the locked content in use.
    let answered = std::sync::atomic::AtomicBool::new(false);
    let library = std::fs::read(fixture("imports/library.toml")).unwrap();
    let flaky = Server::start(5, move |_: &Request| {
        match answered.swap(true, std::sync::atomic::Ordering::Relaxed) {
            false => Reply::Ok(library.clone()),
            true => Reply::Status(404),
        }
    });
    let device = Device::new(&device_a(&format!("url = \"{}/library.toml\"", flaky.url)));
    assert!(device.run(&["import"], true).status.success());
    // `list` reads the imports online and asks no index.
    let output = device.run(&["list", "--format", "json"], true);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let list: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(item(&list, "time")["imported"]["anomalies"], "company");
    assert_eq!(flaky.count("/library.toml"), 2);
}

/// What a case does to the device folder.
type Spoil = dyn Fn(&Path);

/// A bad library stops every command with its location, and nothing is written.
#[test]
fn bad_libraries_and_a_tampered_lock_are_located_errors() {
    let cases: [(&str, &Spoil, &str); 4] = [
        (
            "device field",
            &|dir| {
                let text = std::fs::read_to_string(dir.join("library.toml")).unwrap();
                std::fs::write(
                    dir.join("library.toml"),
                    text.replace("[soup.smallvec]\n", "[soup.smallvec]\nclass = \"C\"\n"),
                )
                .unwrap();
            },
            "`class` in [soup.smallvec] is about the device",
        ),
        (
            "syntax",
            &|dir| std::fs::write(dir.join("library.toml"), "[soup.time\n").unwrap(),
            "is not valid TOML",
        ),
        (
            "missing file",
            &|dir| std::fs::remove_file(dir.join("library.toml")).unwrap(),
            "does not exist",
        ),
        (
            "tampered lock",
            &|dir| {
                let lock = std::fs::read_to_string(dir.join("soup.lock")).unwrap();
                let sha = lock
                    .lines()
                    .find(|line| line.starts_with("sha256"))
                    .unwrap()
                    .to_string();
                std::fs::write(
                    dir.join("soup.lock"),
                    lock.replace(&sha, &format!("sha256 = \"{}\"", "0".repeat(64))),
                )
                .unwrap();
            },
            "neither library.toml nor the cache folder holds that content",
        ),
    ];
    for (name, spoil, message) in cases {
        let device = Device::new(&device_a("path = \"library.toml\""));
        assert!(device.run(&["import"], false).status.success(), "{name}");
        spoil(device.dir.path());
        let lock_before = std::fs::read(device.path("soup.lock")).ok();
        let out = device.path("report.md");
        let output = device.run(
            &["report", "--no-rustsec", "--no-osv", "--output", out.to_str().unwrap()],
            false,
        );
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{name}: {stderr}");
        assert!(stderr.contains(message), "{name}: {stderr}");
        assert!(!out.exists(), "{name}: nothing is written");
        assert_eq!(
            std::fs::read(device.path("soup.lock")).ok(),
            lock_before,
            "{name}: soup.lock unchanged"
        );
    }
    let unreachable = Device::new(&device_a("url = \"http://127.0.0.1:9/library.toml\""));
    let output = unreachable.run(&["import"], true);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("could not download the library company"),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(!unreachable.path("soup.lock").exists());
}

#[test]
fn a_device_seeds_the_library() {
    let device = Device::new(&device_a("path = \"library.toml\""));
    let output = device.run(&["export", "--format", "library"], false);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let library = String::from_utf8(output.stdout).unwrap();
    assert!(
        library.contains("[soup.atty]") && library.contains("version = \"0.2.14\""),
        "{library}"
    );
    for device_only in [
        "class =",
        "covers =",
        "accept-imported =",
        "[imports.company]",
        "[project]",
        "[toolchain]",
    ] {
        assert!(!library.contains(device_only), "{device_only} in {library}");
    }
    let other = Device::new("schema = 1\n");
    std::fs::write(other.path("library.toml"), &library).unwrap();
    std::fs::write(
        other.path("soup.toml"),
        device_a("path = \"library.toml\"").replace(
            "[soup.atty]\nversion = \"0.2.14\"\nlicense = \"MIT\"\n",
            "[soup.atty]\n",
        ),
    )
    .unwrap();
    let (_, document) = other.audit();
    assert_eq!(item(&document, "atty")["imported"]["version"], "company");
    assert_eq!(item(&document, "atty")["status"], "assessed");
}
