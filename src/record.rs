//! Facts about the record itself, for the report's front matter: where soup.toml's
//! history stands in git and which configuration the record describes. Plain values;
//! `changes` and the report command fill them in.

/// One commit that changed soup.toml.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Revision {
    pub commit: String,
    /// `YYYY-MM-DD`, the author date.
    pub date: String,
    pub author: String,
    pub subject: String,
}

/// soup.toml's revision history, newest first.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct History {
    /// `None`: soup.toml is not tracked by git (or git is not there).
    pub revisions: Option<Vec<Revision>>,
    /// The file differs from its last commit.
    pub uncommitted: bool,
}

/// What identifies the configuration the record describes (IEC 62304 cl. 8.1).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Configuration {
    /// The workspace's git commit, and whether the work tree has changes on top of it.
    pub commit: Option<(String, bool)>,
    pub lockfile_sha256: Option<String>,
    pub soup_toml_sha256: Option<String>,
    pub rustc: Option<String>,
    /// The features cargo metadata resolved with, as the flags said.
    pub features: String,
}
