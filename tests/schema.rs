//! soup.schema.json, the JSON Schema editors use to validate and complete soup.toml,
//! against real files: it must accept what cargo soup accepts and reject a wrong type.

mod common;

use serde_json::{Map, Value};
use toml_edit::{DocumentMut, Item};

/// TOML as the editors' schema validators see it: dates become strings.
fn to_json(item: &Item) -> Value {
    match item {
        Item::None => Value::Null,
        Item::Value(value) => value_to_json(value),
        Item::Table(table) => Value::Object(
            table
                .iter()
                .map(|(key, item)| (key.to_string(), to_json(item)))
                .collect(),
        ),
        Item::ArrayOfTables(array) => Value::Array(
            array
                .iter()
                .map(|table| {
                    Value::Object(
                        table
                            .iter()
                            .map(|(key, item)| (key.to_string(), to_json(item)))
                            .collect(),
                    )
                })
                .collect(),
        ),
    }
}

fn value_to_json(value: &toml_edit::Value) -> Value {
    use toml_edit::Value as Toml;
    match value {
        Toml::String(text) => Value::String(text.value().clone()),
        Toml::Integer(number) => Value::from(*number.value()),
        Toml::Float(number) => Value::from(*number.value()),
        Toml::Boolean(flag) => Value::Bool(*flag.value()),
        Toml::Datetime(datetime) => Value::String(datetime.value().to_string()),
        Toml::Array(array) => Value::Array(array.iter().map(value_to_json).collect()),
        Toml::InlineTable(table) => Value::Object(
            table
                .iter()
                .map(|(key, value)| (key.to_string(), value_to_json(value)))
                .collect::<Map<_, _>>(),
        ),
    }
}

/// Validation errors of `toml` against the committed schema; empty when valid.
fn schema_errors(toml: &str) -> Vec<String> {
    let document: DocumentMut = toml.parse().unwrap();
    let instance = to_json(document.as_item());
    let schema: Value = serde_json::from_str(include_str!("../soup.schema.json")).unwrap();
    let mut schemas = boon::Schemas::new();
    let mut compiler = boon::Compiler::new();
    compiler.enable_format_assertions();
    compiler.add_resource("soup.schema.json", schema).unwrap();
    let index = compiler.compile("soup.schema.json", &mut schemas).unwrap();
    match schemas.validate(&instance, index) {
        Ok(()) => Vec::new(),
        Err(err) => vec![format!("{err:#}")],
    }
}

#[test]
fn the_schema_accepts_the_spec_example() {
    let errors = schema_errors(include_str!("../fixtures/soup-toml/spec-example.toml"));
    assert!(errors.is_empty(), "{errors:?}");
}

#[test]
fn the_schema_accepts_what_init_writes_and_the_demo_file() {
    let dir = common::copy_fixture("demo");
    std::fs::remove_file(dir.path().join("soup.toml")).unwrap();
    common::soup_on(dir.path(), &["init"]).assert().success();
    let written = std::fs::read_to_string(dir.path().join("soup.toml")).unwrap();
    assert!(
        written.starts_with("#:schema https://"),
        "editors find the schema through the first line"
    );
    let errors = schema_errors(&written);
    assert!(errors.is_empty(), "{errors:?}");
    let errors = schema_errors(include_str!("../fixtures/demo/soup.toml"));
    assert!(errors.is_empty(), "{errors:?}");
}

#[test]
fn the_schema_rejects_wrong_types_unknown_keys_and_bad_values() {
    for (toml, at) in [
        ("[project]\nclass = 3\n", "/project/class"),
        ("[project]\nreview-interval = \"90 days\"\n", "/project/review-interval"),
        ("[project]\nreview-intervall = \"90d\"\n", "/project"),
        ("[soup.serde]\nversion = 1\n", "/soup/serde/version"),
        ("[soup.\"serde@x\"]\nversion = \"1.0.0\"\n", "/soup"),
        (
            "[[soup.serde.requirements]]\nkind = \"functionl\"\n",
            "/soup/serde/requirements/0/kind",
        ),
        (
            "[soup.serde.anomalies]\nreviewed = \"30.09.2026\"\n",
            "/soup/serde/anomalies/reviewed",
        ),
        ("[policy]\nunmaintained = \"error\"\n", "/policy/unmaintained"),
    ] {
        let errors = schema_errors(toml);
        assert!(
            errors.iter().any(|error| error.contains(at)),
            "{toml:?} should be rejected at {at}: {errors:?}"
        );
    }
}
