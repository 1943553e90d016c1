//! `cargo soup`: the SOUP list, assessments and audit of a Rust workspace for
//! IEC 62304. The binary is a thin shell over `run`.

pub mod advisories;
pub mod advisory_data;
pub mod assessment;
pub mod atomic_file;
pub mod audit;
pub mod changes;
pub mod cli;
pub mod commands;
pub mod date;
pub mod diagnostic;
pub mod digest;
pub mod dtrack;
pub mod evidence;
pub mod facts;
pub mod fetch;
pub mod finding;
pub mod graph;
pub mod imports;
pub mod inventory;
pub mod library;
pub mod license;
pub mod location;
pub mod net;
pub mod paths;
pub mod plans;
pub mod record;
pub mod registry;
pub mod render;
pub mod rules;
pub mod sidecar;
pub mod user_file;
pub mod verification;
pub mod workspace;
