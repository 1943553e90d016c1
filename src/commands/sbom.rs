//! `cargo soup sbom`.

use crate::cli::{SbomArgs, SbomFormat, Settings};
use crate::dtrack::{self, Upload};
use crate::render::sbom::{self, Subject};
use crate::render::spdx;
use anyhow::{Result, bail};

pub fn run(settings: &Settings, args: &SbomArgs) -> Result<i32> {
    // Checked before any work: an upload without a key cannot succeed.
    let upload_key = match &args.upload {
        Some(url) => Some(upload_key(settings, args, url)?),
        None => None,
    };
    super::audit::with_audit(
        settings,
        &args.advisories,
        &args.verification,
        false,
        false,
        |audited| {
            let workspace = audited.workspace;
            let graph = &workspace.graph;
            let soup = &workspace.soup;
            let name = super::product_name(soup, graph);
            let version = super::release(soup, graph);
            let subject = Subject {
                name: &name,
                version: version.as_deref(),
            };
            let as_of = audited.report.as_of;
            let decided = sbom::Decided {
                inventory: audited.inventory,
                verdicts: audited.verdicts,
                verification: audited.verification,
                registry: audited.registry,
            };
            let cyclonedx = || sbom::cyclonedx(&subject, graph, soup, &decided, as_of);
            let text = match args.format {
                SbomFormat::CyclonedxJson => cyclonedx()?,
                SbomFormat::Spdx => spdx::spdx(&subject, graph, soup, audited.inventory, as_of)?,
            };
            // Uploaded first: a failed upload leaves no --output file behind.
            if let (Some(url), Some(api_key)) = (&args.upload, &upload_key) {
                // Dependency-Track reads CycloneDX: its VEX is in no SPDX document.
                let bom = match args.format {
                    SbomFormat::CyclonedxJson => text.clone(),
                    SbomFormat::Spdx => cyclonedx()?,
                };
                let upload = Upload {
                    url,
                    api_key,
                    project: &name,
                    version: version.as_deref(),
                };
                let uploaded = dtrack::upload(&crate::net::Client::new()?, &upload, &bom)?;
                if !settings.quiet {
                    let at = version
                        .as_deref()
                        .map(|version| format!(" {version}"))
                        .unwrap_or_default();
                    eprintln!("uploaded the BOM and its VEX to {url}, project {name}{at}");
                    if !uploaded.processed {
                        eprintln!(
                            "warning: the server had not finished processing the BOM when the VEX was sent; \
                         analyses of vulnerabilities it had not yet found apply after the next upload"
                        );
                    }
                }
            }
            if args.upload.is_none() || args.output.is_some() {
                super::emit(settings, args.output.as_deref(), &text)?;
            }
            Ok(0)
        },
    )
}

fn upload_key(settings: &Settings, args: &SbomArgs, url: &str) -> Result<String> {
    if !settings.online {
        bail!(
            "--upload {url} needs the network, and cargo soup is offline (--offline, --frozen or CARGO_SOUP_OFFLINE); drop one or the other"
        );
    }
    match args.dtrack_api_key.as_deref().map(str::trim) {
        Some(key) if !key.is_empty() => Ok(key.to_string()),
        _ => bail!(
            "--upload {url} needs a Dependency-Track API key in CARGO_SOUP_DTRACK_API_KEY; \
             create one under Administration > Access Management > Teams (permission BOM_UPLOAD)"
        ),
    }
}
