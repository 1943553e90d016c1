//! What `init` and `sync` write: the text of new entries and the plans that put them
//! into a file, computed from the graph and the file without I/O.

pub mod maintain;
pub mod template;
