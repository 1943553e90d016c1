//! `cargo soup sbom`: CycloneDX 1.6 JSON that validates against the official schema,
//! carries every SOUP item and every disposition as VEX, and is byte-for-byte stable.

mod common;

use common::{fixture, run_with_sidecar, soup};

const SOUP: &str = r#"schema = 1

[project]
name = "pump"
class = "B"

[project.surveillance]
support = "active"

[soup.time]
version = "0.1.43"
license = "MIT OR Apache-2.0"
vendor = "time-rs"
class = "B"
covers = ["libc", "winapi"]

[soup.time.surveillance]
support = "limited"
end-of-support = 2027-06-30

[[soup.time.advisories]]
id = "RUSTSEC-2020-0071"
status = "not-affected"
rationale = "The device never reads the local time offset."
reviewed = 2026-10-01

[soup.smallvec]
version = "0.6.13"
license = "MIT OR Apache-2.0"
class = "B"

[[soup.smallvec.advisories]]
id = "CVE-2021-25900"
status = "mitigated"
rationale = "insert_many is never called."
mitigation = "Checked by a grep in CI."

[soup.atty]
version = "0.2.14"
license = "MIT"
class = "B"

[[soup.atty.advisories]]
id = "RUSTSEC-2024-0375"
status = "accepted"
rationale = "Replacement planned."
"#;

fn sbom() -> serde_json::Value {
    let text = sbom_text();
    serde_json::from_str(&text).unwrap()
}

fn sbom_text() -> String {
    let mut command = soup();
    command.args(["sbom", "--offline", "--as-of", "2026-11-25"]);
    let output = run_with_sidecar(command, "vulnerable", SOUP);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout).unwrap()
}

fn read_schema(path: &str) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(fixture(path)).unwrap()).unwrap()
}

/// Validates against CycloneDX 1.6 and the schemas it references.
fn assert_cyclonedx_1_6(document: &serde_json::Value) {
    let mut schemas = boon::Schemas::new();
    let mut compiler = boon::Compiler::new();
    compiler.enable_format_assertions();
    let base = "http://cyclonedx.org/schema/";
    for (name, file) in [
        ("bom-1.6.schema.json", "bom-1.6.schema.json"),
        ("spdx.SNAPSHOT.schema.json", "spdx.schema.json"),
        ("jsf-0.82.SNAPSHOT.schema.json", "jsf-0.82.schema.json"),
    ] {
        compiler
            .add_resource(&format!("{base}{name}"), read_schema(&format!("cyclonedx/{file}")))
            .unwrap();
    }
    let index = compiler
        .compile(&format!("{base}bom-1.6.schema.json"), &mut schemas)
        .unwrap();
    if let Err(err) = schemas.validate(document, index) {
        panic!("not valid CycloneDX 1.6: {err:#}");
    }
}

#[test]
fn the_sbom_validates_against_cyclonedx_1_6() {
    assert_cyclonedx_1_6(&sbom());
    assert_cyclonedx_1_6(&demo("cyclonedx-json"));
}

/// The SBOM of the demo workspace: members, a path dependency, build-only crates, a
/// native library and a `[document]`.
fn demo(format: &str) -> serde_json::Value {
    let output = soup()
        .args([
            "sbom",
            "--offline",
            "--as-of",
            "2026-11-25",
            "--no-osv",
            "--format",
            format,
        ])
        .arg("--manifest-path")
        .arg(fixture("demo/Cargo.toml"))
        .arg("--advisory-db")
        .arg(fixture("advisory-db"))
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    serde_json::from_slice(&output.stdout).unwrap()
}

fn property<'v>(component: &'v serde_json::Value, name: &str) -> Option<&'v str> {
    component["properties"]
        .as_array()?
        .iter()
        .find(|property| property["name"] == name)?["value"]
        .as_str()
}

#[test]
fn members_path_dependencies_build_crates_and_native_libraries_are_what_they_are() {
    let document = demo("cyclonedx-json");
    let metadata = &document["metadata"];
    assert_eq!(metadata["component"]["name"], "Demo infusion pump", "[document] title");
    assert_eq!(metadata["component"]["version"], "2.4.0", "[document] release");
    assert_eq!(metadata["authors"], serde_json::json!([{"name": "A. Engineer"}]));
    assert_eq!(metadata["manufacturer"]["name"], "Demo Medical Devices Ltd");
    let component = |reference: &str| common::element(&document, "components", "bom-ref", reference);

    let engine = component("member:dose-engine@0.1.0");
    assert_eq!(engine["type"], "application");
    assert_eq!(property(engine, "cargo-soup:safety-class"), Some("C"));
    assert_eq!(
        property(component("member:ui@0.1.0"), "cargo-soup:safety-class"),
        Some("B")
    );

    let vendored = component("path:checksum-lite@0.2.0");
    assert!(
        vendored.get("purl").is_none(),
        "a crates.io crate of that name is another crate"
    );

    let cc = component("pkg:cargo/cc@1.2.27");
    assert_eq!(cc["scope"], "excluded", "runs at build time, is not shipped");
    assert_eq!(property(cc, "cargo-soup:kind"), Some("build"));
    assert_eq!(component("pkg:cargo/serde_json@1.0.140")["scope"], "required");

    let serde_json = component("pkg:cargo/serde_json@1.0.140");
    assert_eq!(
        serde_json["supplier"],
        serde_json::json!({"name": "serde-rs", "url": ["https://github.com/serde-rs/json"]}),
        "the vendor of soup.toml"
    );
    assert_eq!(
        serde_json["authors"][0],
        serde_json::json!({"name": "Erick Tryzelaar", "email": "erick.tryzelaar@gmail.com"}),
        "Cargo's authors are authors, not the supplier"
    );

    let zlib = component("native:z");
    assert_eq!(zlib["name"], "z");
    assert_eq!(property(zlib, "cargo-soup:native-library-of"), Some("libz-sys 1.1.22"));
    let libz = common::element(&document, "dependencies", "ref", "pkg:cargo/libz-sys@1.1.22");
    assert!(libz["dependsOn"].as_array().unwrap().iter().any(|on| on == "native:z"));
}

#[test]
fn the_spdx_sbom_validates_against_spdx_2_3_and_has_the_same_components() {
    let document = demo("spdx");
    let mut schemas = boon::Schemas::new();
    let mut compiler = boon::Compiler::new();
    compiler.enable_format_assertions();
    let url = "http://spdx.org/rdf/terms/2.3";
    compiler
        .add_resource(url, read_schema("spdx/spdx-schema-2.3.json"))
        .unwrap();
    let index = compiler.compile(url, &mut schemas).unwrap();
    if let Err(err) = schemas.validate(&document, index) {
        panic!("not valid SPDX 2.3: {err:#}");
    }
    assert_eq!(document["spdxVersion"], "SPDX-2.3");
    let packages = document["packages"].as_array().unwrap();
    let cyclonedx = demo("cyclonedx-json");
    assert_eq!(
        packages.len(),
        cyclonedx["components"].as_array().unwrap().len() + 1,
        "every component and the device"
    );
    let serde_json = common::element(&document, "packages", "name", "serde_json");
    assert_eq!(serde_json["licenseDeclared"], "MIT OR Apache-2.0");
    assert_eq!(
        serde_json["externalRefs"][0]["referenceLocator"],
        "pkg:cargo/serde_json@1.0.140"
    );
    let vendored = common::element(&document, "packages", "name", "checksum-lite");
    assert!(vendored.get("externalRefs").is_none(), "no purl for a path dependency");
    let relationships = document["relationships"].as_array().unwrap();
    let cc = &common::element(&document, "packages", "name", "cc")["SPDXID"];
    assert!(
        relationships
            .iter()
            .any(|relation| relation["spdxElementId"] == *cc && relation["relationshipType"] == "BUILD_DEPENDENCY_OF"),
        "cc is a build dependency"
    );
    assert_eq!(demo("spdx"), document, "the same inputs give the same document");
}

#[test]
fn every_item_and_every_disposition_is_in_it() {
    let document = sbom();
    assert_eq!(document["specVersion"], "1.6");
    assert_eq!(document["metadata"]["timestamp"], "2026-11-25T00:00:00Z");
    assert_eq!(document["metadata"]["component"]["name"], "pump");
    let components = document["components"].as_array().unwrap();
    let purls: Vec<&str> = components
        .iter()
        .filter_map(|component| component["purl"].as_str())
        .collect();
    assert_eq!(purls.len(), 15, "14 crates and the toolchain: {purls:?}");
    let member = components.iter().find(|component| component["name"] == "pump").unwrap();
    assert_eq!(member["bom-ref"], "member:pump@0.1.0");
    assert!(member.get("purl").is_none(), "a member is no crates.io crate");
    assert!(purls.contains(&"pkg:cargo/smallvec@0.6.13") && purls.contains(&"pkg:generic/rust@1.95.0"));
    let time = components.iter().find(|component| component["name"] == "time").unwrap();
    assert_eq!(time["hashes"][0]["alg"], "SHA-256");
    assert_eq!(time["licenses"][0]["expression"], "MIT OR Apache-2.0");
    assert_eq!(time["supplier"]["name"], "time-rs");
    assert_eq!(property(time, "cargo-soup:safety-class"), Some("B"));
    assert_eq!(property(time, "cdx:fda:level-of-support"), Some("limited"));
    assert_eq!(property(time, "cdx:fda:end-of-support-date"), Some("2027-06-30"));
    let libc = components.iter().find(|component| component["name"] == "libc").unwrap();
    assert_eq!(property(libc, "cargo-soup:covered-by"), Some("time"));
    assert_eq!(
        property(libc, "cdx:fda:level-of-support"),
        Some("active"),
        "the project default"
    );

    let vulnerabilities = document["vulnerabilities"].as_array().unwrap();
    let analysis = |id: &str| {
        vulnerabilities
            .iter()
            .find(|vulnerability| vulnerability["id"] == id)
            .unwrap_or_else(|| panic!("{id}"))["analysis"]
            .clone()
    };
    let time_vex = analysis("RUSTSEC-2020-0071");
    assert_eq!(time_vex["state"], "not_affected");
    assert!(
        time_vex.get("justification").is_none(),
        "soup.toml chose none: {time_vex}"
    );
    assert_eq!(time_vex["detail"], "The device never reads the local time offset.");
    let smallvec_vex = analysis("RUSTSEC-2021-0003");
    assert_eq!(smallvec_vex["state"], "exploitable", "mitigated is still affected");
    assert_eq!(smallvec_vex["response"], serde_json::json!(["workaround_available"]));
    assert_eq!(smallvec_vex["detail"], "Checked by a grep in CI.");
    let atty_vex = analysis("RUSTSEC-2024-0375");
    assert_eq!(atty_vex["state"], "exploitable");
    assert_eq!(atty_vex["response"], serde_json::json!(["will_not_fix"]));
    assert_eq!(analysis("RUSTSEC-2021-0139")["state"], "in_triage", "no disposition");
    let time_advisory = vulnerabilities
        .iter()
        .find(|vulnerability| vulnerability["id"] == "RUSTSEC-2020-0071")
        .unwrap();
    assert_eq!(
        time_advisory["source"],
        serde_json::json!({"name": "OSV", "url": "https://osv.dev/vulnerability/RUSTSEC-2020-0071"}),
        "Dependency-Track stores RustSec ids under OSV"
    );
    assert_eq!(
        time_advisory["references"],
        serde_json::json!([
            {"id": "CVE-2020-26235", "source": {"name": "NVD", "url": "https://nvd.nist.gov/vuln/detail/CVE-2020-26235"}},
            {"id": "GHSA-wcg3-cvx6-7396", "source": {"name": "GITHUB", "url": "https://github.com/advisories/GHSA-wcg3-cvx6-7396"}},
        ])
    );
    let dependencies = document["dependencies"].as_array().unwrap();
    let root = dependencies
        .iter()
        .find(|dependency| dependency["ref"] == "workspace")
        .unwrap();
    assert_eq!(root["dependsOn"], serde_json::json!(["member:pump@0.1.0"]));
    let pump = dependencies
        .iter()
        .find(|dependency| dependency["ref"] == "member:pump@0.1.0")
        .unwrap();
    for target in ["pkg:cargo/time@0.1.43", "pkg:generic/rust@1.95.0"] {
        assert!(
            pump["dependsOn"].as_array().unwrap().iter().any(|on| on == target),
            "{target} in {pump}"
        );
    }
}

#[test]
fn the_same_inputs_give_the_same_bytes() {
    assert_eq!(sbom_text(), sbom_text());
}
