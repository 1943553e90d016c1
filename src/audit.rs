//! The audit as data: the findings of an inventory at a date, with the counts every
//! format reports and the exit code they imply.

use crate::date::Date;
use crate::finding::{self, Finding, Level};
use crate::inventory::{Inventory, Status};
use crate::rules::{self, AuditInput};
use serde::Serialize;

/// An advisory source the audit read (filled once advisory sources exist).
#[derive(Debug, Clone, Serialize)]
pub struct AdvisoryData {
    pub source: String,
    pub updated: Option<String>,
    pub advisories: usize,
}

#[derive(Debug)]
pub struct AuditReport {
    pub as_of: Date,
    pub items: usize,
    /// Items assessed by an entry of their own or covered by one, with nothing missing.
    pub assessed: usize,
    pub advisory_data: Vec<AdvisoryData>,
    pub findings: Vec<Finding>,
}

impl AuditReport {
    pub fn new(inventory: &Inventory, input: &AuditInput, deny_warnings: bool) -> Self {
        let findings = rules::assessment_findings(inventory, input);
        let findings = finding::apply_policy(findings, &input.soup.policy, deny_warnings);
        let assessed = inventory
            .items
            .iter()
            .filter(|item| matches!(item.status, Status::Assessed | Status::Covered))
            .count();
        Self {
            as_of: input.as_of,
            items: inventory.items.len(),
            assessed,
            advisory_data: Vec::new(),
            findings,
        }
    }

    pub fn count(&self, level: Level) -> usize {
        self.findings.iter().filter(|finding| finding.level == level).count()
    }

    /// 1 when any finding is at deny level, else 0.
    pub fn exit_code(&self) -> i32 {
        i32::from(self.count(Level::Deny) > 0)
    }
}
