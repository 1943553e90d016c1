//! Which `[target.'cfg(..)'.dependencies]` are active for the device's target triples.
//!
//! One `cargo metadata` call returns the graph for every platform; we decide per edge
//! ourselves instead of calling cargo once per target.

use anyhow::{Context, Result, bail};
use cargo_metadata::cargo_platform::{Cfg, Ident, Platform};
use std::process::Command;

/// The cfg values of one target triple, as rustc would report them.
#[derive(Debug, Clone)]
pub struct TargetCfg {
    pub triple: String,
    cfgs: Vec<Cfg>,
}

impl TargetCfg {
    /// Known triples come from cfg-expr's built-in table; anything else (a custom
    /// target) is asked of `rustc --print cfg`, so no target a device can build for is
    /// refused.
    pub fn for_triple(triple: &str) -> Result<Self> {
        let cfgs = match cfg_expr::targets::get_builtin_target_by_triple(triple) {
            Some(info) => builtin_cfgs(info),
            None => rustc_cfgs(triple)?,
        };
        Ok(Self {
            triple: triple.to_string(),
            cfgs,
        })
    }

    pub fn is_active(&self, platform: &Platform) -> bool {
        platform.matches(&self.triple, &self.cfgs)
    }

    /// A `key="value"` cfg of the target: `target_os`, `target_arch`.
    pub fn value(&self, key: &str) -> Option<&str> {
        self.cfgs.iter().find_map(|cfg| match cfg {
            Cfg::KeyPair(name, value) if name.name == key => Some(value.as_str()),
            _ => None,
        })
    }
}

fn ident(name: &str) -> Ident {
    Ident {
        name: name.to_string(),
        raw: false,
    }
}

fn key_value(key: &str, value: &str) -> Cfg {
    Cfg::KeyPair(ident(key), value.to_string())
}

fn builtin_cfgs(info: &cfg_expr::targets::TargetInfo) -> Vec<Cfg> {
    let mut cfgs = vec![
        key_value("target_arch", info.arch.as_str()),
        key_value("target_pointer_width", &info.pointer_width.to_string()),
        key_value(
            "target_endian",
            match info.endian {
                cfg_expr::targets::Endian::little => "little",
                cfg_expr::targets::Endian::big => "big",
            },
        ),
        key_value("panic", info.panic.as_str()),
    ];
    // Where the table has no value, rustc prints these defaults (`target_os="none"` on
    // bare metal), and dependency cfgs are written against what rustc prints.
    let os = info.os.as_ref().map_or("none", |os| os.as_str());
    cfgs.push(key_value("target_os", os));
    cfgs.push(key_value(
        "target_env",
        info.env.as_ref().map_or("", |env| env.as_str()),
    ));
    let vendor = info.vendor.as_ref().map_or("unknown", |vendor| vendor.as_str());
    cfgs.push(key_value("target_vendor", vendor));
    cfgs.push(key_value(
        "target_abi",
        info.abi.as_ref().map_or("", |abi| abi.as_str()),
    ));
    for family in info.families.iter() {
        cfgs.push(key_value("target_family", family.as_str()));
        // `unix` and `windows` are also bare names, as in `cfg(unix)`.
        if matches!(family.as_str(), "unix" | "windows") {
            cfgs.push(Cfg::Name(ident(family.as_str())));
        }
    }
    cfgs
}

fn rustc_cfgs(triple: &str) -> Result<Vec<Cfg>> {
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".to_string());
    let output = Command::new(&rustc)
        .args(["--print", "cfg", "--target", triple])
        .output()
        .with_context(|| format!("could not run `{rustc} --print cfg --target {triple}`"))?;
    if !output.status.success() {
        bail!(
            "`{triple}` is not a target rustc knows: {}\nCheck `targets` in [project] of soup.toml or the --target flag; `rustc --print target-list` lists the built-in ones.",
            String::from_utf8_lossy(&output.stderr).trim()
        );
    }
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter(|line| !line.trim().is_empty())
        .map(|line| {
            line.parse::<Cfg>()
                .with_context(|| format!("rustc printed a cfg line we cannot read: {line}"))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn platform(text: &str) -> Platform {
        text.parse().expect("test platform parses")
    }

    #[test]
    fn windows_only_dependency_is_inactive_on_linux_and_embedded() {
        let windows = platform("cfg(windows)");
        for triple in ["x86_64-unknown-linux-gnu", "thumbv7em-none-eabihf"] {
            let target = TargetCfg::for_triple(triple).unwrap();
            assert!(!target.is_active(&windows), "{triple}");
        }
        let target = TargetCfg::for_triple("x86_64-pc-windows-msvc").unwrap();
        assert!(target.is_active(&windows));
    }

    #[test]
    fn key_value_and_triple_platforms() {
        let linux = TargetCfg::for_triple("x86_64-unknown-linux-gnu").unwrap();
        assert!(linux.is_active(&platform("cfg(unix)")));
        assert!(linux.is_active(&platform(r#"cfg(target_os = "linux")"#)));
        assert!(linux.is_active(&platform(
            r#"cfg(all(target_arch = "x86_64", target_pointer_width = "64"))"#
        )));
        assert!(!linux.is_active(&platform(r#"cfg(target_os = "macos")"#)));
        assert!(linux.is_active(&platform("x86_64-unknown-linux-gnu")));
        assert!(!linux.is_active(&platform("aarch64-unknown-linux-gnu")));
        let bare = TargetCfg::for_triple("thumbv7em-none-eabihf").unwrap();
        assert!(bare.is_active(&platform(r#"cfg(target_os = "none")"#)));
        assert!(bare.is_active(&platform(r#"cfg(target_arch = "arm")"#)));
        assert!(!bare.is_active(&platform("cfg(unix)")));
    }

    #[test]
    fn unknown_triple_is_a_clear_error() {
        let err = TargetCfg::for_triple("not-a-real-target").unwrap_err();
        assert!(format!("{err:#}").contains("not-a-real-target"));
    }
}
