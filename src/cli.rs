//! Command-line interface: Cargo's conventions plus the cargo soup commands.

use crate::date::Date;
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "cargo-soup",
    bin_name = "cargo soup",
    version,
    about = "SOUP list, assessments and audit of a Rust workspace for IEC 62304",
    long_about = "cargo soup derives the IEC 62304 SOUP list from the dependency graph, keeps the \
human assessment of each item in soup.toml next to Cargo.lock, and checks both in CI.",
    after_help = "Examples:\n  cargo soup init\n  cargo soup list\n  cargo soup list --format json --manifest-path fixtures/demo/Cargo.toml\n  cargo soup sync --dry-run\n  cargo soup review serde_json --by \"A. Reviewer\""
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// The SOUP list: every SOUP item in scope with identification, safety class and
    /// assessment status.
    #[command(
        after_help = "Examples:\n  cargo soup list\n  cargo soup list --format markdown > soup-list.md\n  cargo soup list --target thumbv7em-none-eabihf --format json\n  cargo soup list --why itoa"
    )]
    List(ListArgs),
    /// Write a new soup.toml: one entry per SOUP item in scope, identification filled
    /// in, every judgement a "TODO" placeholder that `audit` reports. Never overwrites.
    #[command(
        after_help = "Examples:\n  cargo soup init\n  cargo soup init --group\n  cargo soup init --target thumbv7em-none-eabihf"
    )]
    Init(InitArgs),
    /// Bring soup.toml in line with the graph: add placeholder entries for new SOUP
    /// items and report entries whose crate left the scope. Text a person wrote is
    /// never changed.
    #[command(after_help = "Examples:\n  cargo soup sync\n  cargo soup sync --dry-run\n  cargo soup sync --prune")]
    Sync(SyncArgs),
    /// Record a completed review of one SOUP item: set the assessed version, licence and
    /// checksum to what is locked now and stamp anomalies.reviewed and .by.
    #[command(
        after_help = "Examples:\n  cargo soup review serde_json --by \"A. Reviewer\"\n  cargo soup review bitflags@1.3.2 --by \"A. Reviewer\" --date 2026-11-20 --yes"
    )]
    Review(ReviewArgs),
    /// The CI and pre-commit gate: every missing, incomplete or stale assessment as a
    /// finding; exit 1 when any finding is at deny level.
    #[command(
        after_help = "Examples:\n  cargo soup audit\n  cargo soup audit --format sarif > soup.sarif\n  cargo soup audit --format github --deny warnings\n  cargo soup audit --as-of 2026-11-24 --format json\n\nExit status: 0 no finding at deny level, 1 at least one, 2 it could not run."
    )]
    Audit(AuditArgs),
    /// Write the advisory dispositions of soup.toml in another tool's format, so
    /// soup.toml stays the one place where a risk is accepted (expired dispositions are
    /// left out); or its crate-level parts as a library other devices import.
    #[command(
        after_help = "Examples:\n  cargo soup export --format deny-toml --output deny-ignore.toml\n  cargo soup export --format osv-scanner --output osv-scanner.toml\n  cargo soup export --format openvex --output soup.vex.json"
    )]
    Export(ExportArgs),
    /// Pin the libraries `[imports.NAME]` names in soup.lock: what each held and a
    /// digest per entry taken. Audits use exactly that content; `--update` takes the
    /// libraries' changes after review.
    #[command(
        after_help = "Examples:\n  cargo soup import\n  cargo soup import --update\n  cargo soup export --format library --output library.toml"
    )]
    Import(ImportArgs),
    /// The audit-ready SOUP assessment document: the SOUP list, then per item the five
    /// sections of the assessment and its approvals, then every open finding.
    #[command(
        after_help = "Examples:\n  cargo soup report --format html --output soup-report.html\n  cargo soup report --format markdown --as-of 2026-11-24 > soup-report.md"
    )]
    Report(ReportArgs),
    /// A CycloneDX (or SPDX) SBOM of the members and SOUP items, with the SOUP fields as
    /// properties and the verdicts on the advisories as VEX analysis; optionally
    /// uploaded to Dependency-Track.
    #[command(
        after_help = "Examples:\n  cargo soup sbom --output soup.cdx.json\n  cargo soup sbom --format spdx --output soup.spdx.json\n  CARGO_SOUP_DTRACK_API_KEY=... cargo soup sbom --upload https://dt.example"
    )]
    Sbom(SbomArgs),
    /// Download or update the advisory databases (RustSec and OSV) into the cache
    /// folder; a failed download leaves the data there unchanged.
    #[command(
        after_help = "Examples:\n  cargo soup fetch\n  cargo soup fetch --rustsec-url https://mirror.example/advisory-db.tar.gz\n  cargo soup fetch --osv-url https://mirror.example/osv\n  cargo soup fetch --cache-dir /opt/soup-cache --no-osv"
    )]
    Fetch(FetchArgs),
}

#[derive(Debug, Args)]
pub struct SbomArgs {
    /// CycloneDX 1.6 JSON with VEX, or SPDX 2.3 JSON.
    #[arg(long, value_enum, default_value_t = SbomFormat::CyclonedxJson)]
    pub format: SbomFormat,
    /// Write here instead of to standard output.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Upload the CycloneDX BOM, then its VEX, to this Dependency-Track server, into
    /// the project named by `[document] title` (else `[project] name`) and version
    /// `[document] release`, created when missing. The API key is read from
    /// CARGO_SOUP_DTRACK_API_KEY.
    #[arg(long, value_name = "URL")]
    pub upload: Option<String>,
    /// The Dependency-Track API key, from the environment only: a key on the command
    /// line would show in the process list and the shell's history.
    #[arg(skip = std::env::var("CARGO_SOUP_DTRACK_API_KEY").ok())]
    pub dtrack_api_key: Option<String>,
    #[command(flatten)]
    pub verification: VerificationArgs,
    #[command(flatten)]
    pub advisories: AdvisoryArgs,
    #[command(flatten)]
    pub workspace: WorkspaceArgs,
    #[command(flatten)]
    pub common: CommonArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SbomFormat {
    CyclonedxJson,
    Spdx,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// markdown, or one self-contained HTML file that prints on A4.
    #[arg(long, value_enum, default_value_t = ReportFormat::Markdown)]
    pub format: ReportFormat,
    /// Write here instead of to standard output.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
    #[command(flatten)]
    pub verification: VerificationArgs,
    #[command(flatten)]
    pub advisories: AdvisoryArgs,
    #[command(flatten)]
    pub workspace: WorkspaceArgs,
    #[command(flatten)]
    pub common: CommonArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    Markdown,
    Html,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// cargo-deny `[advisories] ignore`, osv-scanner `[[IgnoredVulns]]`, an OpenVEX
    /// document, or a library (soup.toml's crate-level parts, for other devices to
    /// import).
    #[arg(long, value_enum)]
    pub format: ExportFormat,
    /// Write here instead of to standard output.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Advisory data, when present, adds the aliases and the crate each advisory is
    /// about.
    #[command(flatten)]
    pub advisories: AdvisoryArgs,
    #[command(flatten)]
    pub workspace: WorkspaceArgs,
    #[command(flatten)]
    pub common: CommonArgs,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// Take each library as it is now, its changes included: review them first (an
    /// audit names each changed entry as `import-changed`).
    #[arg(long)]
    pub update: bool,
    #[command(flatten)]
    pub workspace: WorkspaceArgs,
    #[command(flatten)]
    pub common: CommonArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    DenyToml,
    OsvScanner,
    Openvex,
    Library,
}

#[derive(Debug, Args)]
pub struct AuditArgs {
    /// Output format: human (diagnostics and a tally), json, sarif (SARIF 2.1.0 for code
    /// scanning) or github (workflow commands that annotate a pull request).
    #[arg(long, value_enum, default_value_t = AuditFormat::Human)]
    pub format: AuditFormat,
    /// `--deny warnings` turns every warning into an error.
    #[arg(long, value_enum, value_name = "WHAT")]
    pub deny: Vec<DenyWhat>,
    /// Gate the change only: keep deny level for findings on crates new or changed in
    /// Cargo.lock since this git revision (and on soup.toml entries changed since);
    /// report every other finding as a warning.
    #[arg(long, value_name = "REF")]
    pub changed_since: Option<String>,
    /// Human output: print only the findings on items of these statuses
    /// (comma-separated, e.g. `missing,stale`); the tally, the summary and the exit
    /// status still count every finding.
    #[arg(long, value_enum, value_delimiter = ',', value_name = "STATUS")]
    pub status: Vec<StatusFilter>,
    #[command(flatten)]
    pub verification: VerificationArgs,
    #[command(flatten)]
    pub advisories: AdvisoryArgs,
    #[command(flatten)]
    pub workspace: WorkspaceArgs,
    #[command(flatten)]
    pub common: CommonArgs,
}

/// The test results that show a `verified-by` ran and passed.
#[derive(Debug, Args)]
#[command(next_help_heading = "Verification")]
pub struct VerificationArgs {
    /// Test results to judge each `verified-by` by: JUnit XML (cargo-nextest,
    /// cargo2junit) or the output of `cargo test 2>&1`. Repeatable; read beside
    /// `[project] test-results`.
    #[arg(long, value_name = "FILE")]
    pub test_results: Vec<PathBuf>,
}

/// Where advisory data comes from, for every command that reads it.
#[derive(Debug, Args)]
#[command(next_help_heading = "Advisory Data")]
pub struct AdvisoryArgs {
    /// A RustSec advisory-db folder (a checkout of github.com/rustsec/advisory-db),
    /// used as it is [default: the one `cargo soup fetch` keeps in the cache folder].
    #[arg(long, env = "CARGO_SOUP_ADVISORY_DB", hide_env_values = true, value_name = "DIR")]
    pub advisory_db: Option<PathBuf>,
    /// A folder of OSV JSON records for crates.io (the unpacked crates.io/all.zip of
    /// OSV's bulk export), used as it is [default: the cache folder's].
    #[arg(long, env = "CARGO_SOUP_OSV_DB", hide_env_values = true, value_name = "DIR")]
    pub osv_db: Option<PathBuf>,
    /// Ask the live OSV API at this base URL (e.g. https://api.osv.dev) instead of
    /// reading OSV data from a folder.
    #[arg(long, value_name = "URL")]
    pub osv_api: Option<String>,
    /// Do not check RustSec advisories (the output says so).
    #[arg(long)]
    pub no_rustsec: bool,
    /// Do not check OSV advisories (the output says so).
    #[arg(long)]
    pub no_osv: bool,
    /// The sparse registry index asked whether a locked crates.io version is yanked,
    /// for a mirror inside a company network.
    #[arg(long, env = "CARGO_SOUP_INDEX_URL", hide_env_values = true, value_name = "URL", default_value = crate::registry::CRATES_IO_INDEX)]
    pub index_url: String,
    #[command(flatten)]
    pub download: DownloadArgs,
}

/// Where `fetch` (and an audit whose cached data is missing or old) downloads from.
#[derive(Debug, Args)]
pub struct DownloadArgs {
    /// A .tar.gz archive of the advisory-db repository.
    #[arg(long, env = "CARGO_SOUP_RUSTSEC_URL", hide_env_values = true, value_name = "URL", default_value = crate::fetch::DEFAULT_RUSTSEC_URL)]
    pub rustsec_url: String,
    /// The base URL under which OSV's `crates.io/all.zip` lives.
    #[arg(long, env = "CARGO_SOUP_OSV_URL", hide_env_values = true, value_name = "URL", default_value = crate::fetch::DEFAULT_OSV_URL)]
    pub osv_url: String,
}

impl DownloadArgs {
    pub fn urls(&self) -> crate::fetch::Urls {
        crate::fetch::Urls {
            rustsec: self.rustsec_url.clone(),
            osv: self.osv_url.clone(),
        }
    }
}

#[derive(Debug, Args)]
pub struct FetchArgs {
    /// Do not download the RustSec advisory-db.
    #[arg(long)]
    pub no_rustsec: bool,
    /// Do not download OSV's crates.io data.
    #[arg(long)]
    pub no_osv: bool,
    /// Take a download that holds fewer than half the advisories of the data it
    /// replaces (refused otherwise, as a partial copy).
    #[arg(long)]
    pub force: bool,
    #[command(flatten)]
    pub download: DownloadArgs,
    #[command(flatten)]
    pub common: CommonArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum AuditFormat {
    Human,
    Json,
    Sarif,
    Github,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DenyWhat {
    Warnings,
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// Write entries only for direct dependencies, each with `covers = "*"` (the crates
    /// reached only through it), plus entries for crates no direct dependency covers
    /// alone.
    #[arg(long)]
    pub group: bool,
    #[command(flatten)]
    pub workspace: WorkspaceArgs,
    #[command(flatten)]
    pub common: CommonArgs,
}

#[derive(Debug, Args)]
pub struct SyncArgs {
    /// Also remove the entries whose crate is no longer in scope.
    #[arg(long)]
    pub prune: bool,
    /// Print the change as a unified diff instead of writing it.
    #[arg(long)]
    pub dry_run: bool,
    #[command(flatten)]
    pub workspace: WorkspaceArgs,
    #[command(flatten)]
    pub common: CommonArgs,
}

#[derive(Debug, Args)]
pub struct ReviewArgs {
    /// The SOUP item reviewed; name the version when several are in scope.
    #[arg(value_name = "CRATE[@VERSION]")]
    pub item: String,
    /// Who did the review (stamped into anomalies.by).
    #[arg(long, value_name = "NAME")]
    pub by: String,
    /// The day of the review [default: --as-of, else today].
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
    pub date: Option<Date>,
    /// Write without asking (required when not on a terminal).
    #[arg(short, long)]
    pub yes: bool,
    /// Advisory data, when present, shows the advisories that touch the item.
    #[command(flatten)]
    pub advisories: AdvisoryArgs,
    #[command(flatten)]
    pub workspace: WorkspaceArgs,
    #[command(flatten)]
    pub common: CommonArgs,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = ListFormat::Table)]
    pub format: ListFormat,
    /// Only the items of these statuses (comma-separated), e.g. `missing,incomplete,stale`
    /// for what needs work.
    #[arg(long, value_enum, value_delimiter = ',', value_name = "STATUS")]
    pub status: Vec<StatusFilter>,
    /// Print the paths from workspace members to CRATE (or CRATE@VERSION), like
    /// `cargo tree -i`, instead of the list.
    #[arg(long, value_name = "CRATE[@VERSION]")]
    pub why: Option<String>,
    #[command(flatten)]
    pub workspace: WorkspaceArgs,
    #[command(flatten)]
    pub common: CommonArgs,
}

/// An item status, as `--status` names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum StatusFilter {
    Assessed,
    Missing,
    Incomplete,
    Stale,
    Covered,
}

impl StatusFilter {
    pub fn status(self) -> crate::inventory::Status {
        use crate::inventory::Status;
        match self {
            StatusFilter::Assessed => Status::Assessed,
            StatusFilter::Missing => Status::Missing,
            StatusFilter::Incomplete => Status::Incomplete,
            StatusFilter::Stale => Status::Stale,
            StatusFilter::Covered => Status::Covered,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    Table,
    Json,
    Csv,
    Markdown,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum ColorChoice {
    #[default]
    Auto,
    Always,
    Never,
}

/// The options of the commands that read a workspace, as Cargo spells them.
#[derive(Debug, Args, Default)]
pub struct WorkspaceArgs {
    /// Path to the workspace's Cargo.toml.
    #[arg(long, value_name = "PATH", help_heading = "Manifest Options")]
    pub manifest_path: Option<PathBuf>,
    /// Assert that Cargo.lock will remain unchanged.
    #[arg(long, help_heading = "Manifest Options")]
    pub locked: bool,
    /// Equivalent to --locked and --offline.
    #[arg(long, help_heading = "Manifest Options")]
    pub frozen: bool,
    /// Features to activate (space or comma separated), as for cargo.
    #[arg(short = 'F', long, value_name = "FEATURES", help_heading = "Feature Selection")]
    pub features: Vec<String>,
    /// Activate all available features.
    #[arg(long, help_heading = "Feature Selection")]
    pub all_features: bool,
    /// Do not activate the `default` feature.
    #[arg(long, help_heading = "Feature Selection")]
    pub no_default_features: bool,
    /// Target triple the device ships for (repeatable); overrides `targets` in
    /// [project] of soup.toml.
    #[arg(long = "target", value_name = "TRIPLE", help_heading = "Package Selection")]
    pub targets: Vec<String>,
    /// The assessment sidecar [default: soup.toml at the workspace root].
    #[arg(long, value_name = "PATH", help_heading = "Manifest Options")]
    pub soup_file: Option<PathBuf>,
    /// Always run `cargo metadata` instead of reusing the graph cached for unchanged
    /// inputs.
    #[arg(long, help_heading = "Manifest Options")]
    pub no_cache: bool,
    /// Evaluate every date rule as of this day instead of today (YYYY-MM-DD).
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date, help_heading = "Output")]
    pub as_of: Option<Date>,
}

/// The options every command takes, `fetch` too.
#[derive(Debug, Args, Default)]
pub struct CommonArgs {
    /// Run without accessing the network: cargo and cargo soup use what is already on
    /// this machine (the advisory data and the registry index records there).
    #[arg(long, help_heading = "Manifest Options")]
    pub offline: bool,
    /// Coloring: auto, always, never (NO_COLOR, CLICOLOR_FORCE and CLICOLOR are honoured).
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN", help_heading = "Output")]
    pub color: ColorChoice,
    /// Print less: no summary lines.
    #[arg(short, long, help_heading = "Output")]
    pub quiet: bool,
    /// Print more (repeatable).
    #[arg(short, long, action = clap::ArgAction::Count, help_heading = "Output")]
    pub verbose: u8,
    /// Where cargo soup keeps its caches [default: $CARGO_HOME/cargo-soup].
    #[arg(
        long,
        env = "CARGO_SOUP_CACHE",
        hide_env_values = true,
        value_name = "DIR",
        help_heading = "Manifest Options"
    )]
    pub cache_dir: Option<PathBuf>,
}

/// What every command needs of the global flags and the environment, resolved once,
/// as ripgrep resolves its flags: the layers below the commands take these values and
/// read no flag or variable of cargo soup's own.
#[derive(Debug, Clone)]
pub struct Settings {
    /// What is passed on to `cargo metadata`.
    pub metadata: crate::graph::MetadataOptions,
    /// `--target`, which overrides `[project] targets`.
    pub targets: Vec<String>,
    /// Colour on standard output: `--color`, `NO_COLOR`, and whether it is a terminal.
    pub color: bool,
    /// The width of the terminal standard output goes to: `COLUMNS`, else the
    /// terminal's; `None` when it is no terminal.
    pub width: Option<u16>,
    pub quiet: bool,
    pub verbose: u8,
    pub soup_file: Option<PathBuf>,
    /// cargo soup's cache folder: `--cache-dir`, `CARGO_SOUP_CACHE`, else `cargo-soup` in
    /// Cargo's home; `None` when that is unknown.
    pub cache_dir: Option<PathBuf>,
    /// The graph may come from the cache (no `--no-cache`).
    pub graph_cache: bool,
    pub as_of: Option<Date>,
    /// Whether cargo soup itself may use the network: not with --offline or --frozen,
    /// nor with CARGO_SOUP_OFFLINE set (which leaves cargo's own downloads alone).
    pub online: bool,
    /// `CARGO_SOUP_INDEX_URL`, for the commands without `--index-url` that read the
    /// registry facts kept for it.
    pub index_url: String,
}

impl Settings {
    /// From a command's options; a command that reads no workspace (`fetch`) gets the
    /// defaults of the workspace options.
    pub fn resolve(common: &CommonArgs, workspace: Option<&WorkspaceArgs>) -> Self {
        let none = WorkspaceArgs::default();
        let workspace = workspace.unwrap_or(&none);
        let env_offline =
            std::env::var("CARGO_SOUP_OFFLINE").is_ok_and(|value| !matches!(value.trim(), "" | "0" | "false"));
        let color = match common.color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            // NO_COLOR wins, then CLICOLOR_FORCE, then CLICOLOR=0, then the terminal.
            ColorChoice::Auto => {
                use std::io::IsTerminal;
                let set = |name: &str| std::env::var_os(name).is_some_and(|value| !value.is_empty());
                let clicolor_off = std::env::var_os("CLICOLOR").is_some_and(|value| value == "0");
                !set("NO_COLOR")
                    && (std::env::var_os("CLICOLOR_FORCE").is_some_and(|value| !value.is_empty() && value != "0")
                        || (!clicolor_off && std::io::stdout().is_terminal()))
            }
        };
        Self {
            metadata: crate::graph::MetadataOptions {
                manifest_path: workspace.manifest_path.clone(),
                features: workspace.features.clone(),
                all_features: workspace.all_features,
                no_default_features: workspace.no_default_features,
                locked: workspace.locked,
                offline: common.offline,
                frozen: workspace.frozen,
            },
            targets: workspace.targets.clone(),
            color,
            width: std::env::var("COLUMNS")
                .ok()
                .and_then(|columns| columns.trim().parse::<u16>().ok())
                .filter(|columns| *columns > 0)
                .or_else(|| terminal_size::terminal_size().map(|(width, _)| width.0)),
            quiet: common.quiet,
            verbose: common.verbose,
            soup_file: workspace.soup_file.clone(),
            cache_dir: common
                .cache_dir
                .clone()
                .or_else(|| crate::graph::cache::cargo_home().map(|home| home.join("cargo-soup"))),
            graph_cache: !workspace.no_cache,
            as_of: workspace.as_of,
            online: !(common.offline || workspace.frozen || env_offline),
            index_url: std::env::var("CARGO_SOUP_INDEX_URL")
                .unwrap_or_else(|_| crate::registry::CRATES_IO_INDEX.to_string()),
        }
    }
}

fn parse_date(text: &str) -> Result<Date, String> {
    text.parse()
}

impl Command {
    /// The options of this command that Settings resolves; `fetch` reads no workspace.
    pub fn options(&self) -> (&CommonArgs, Option<&WorkspaceArgs>) {
        match self {
            Command::List(args) => (&args.common, Some(&args.workspace)),
            Command::Init(args) => (&args.common, Some(&args.workspace)),
            Command::Sync(args) => (&args.common, Some(&args.workspace)),
            Command::Review(args) => (&args.common, Some(&args.workspace)),
            Command::Audit(args) => (&args.common, Some(&args.workspace)),
            Command::Export(args) => (&args.common, Some(&args.workspace)),
            Command::Import(args) => (&args.common, Some(&args.workspace)),
            Command::Report(args) => (&args.common, Some(&args.workspace)),
            Command::Sbom(args) => (&args.common, Some(&args.workspace)),
            Command::Fetch(args) => (&args.common, None),
        }
    }
}

impl Cli {
    /// Parses the arguments, accepting the `soup` that Cargo passes first when run as
    /// `cargo soup`.
    pub fn parse_from_env() -> Self {
        let mut args: Vec<std::ffi::OsString> = std::env::args_os().collect();
        if args.get(1).is_some_and(|arg| arg == "soup") {
            args.remove(1);
        }
        Self::parse_from(args)
    }
}
