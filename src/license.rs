//! Licence expressions: SPDX validation and the legacy crates.io forms.

use serde::{Deserialize, Serialize};

/// How a manifest's licence text relates to the SPDX expression we report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum LicenseForm {
    /// Already a valid SPDX expression, reported as written.
    Valid,
    /// A legacy form (`MIT/Apache-2.0`, lower-case operators, imprecise names)
    /// rewritten into a valid SPDX expression.
    Normalised,
    /// Not an SPDX expression even after normalisation; reported as written.
    Invalid,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct License {
    /// The SPDX expression, or the raw text when it is invalid.
    pub expression: String,
    /// The text as written in the manifest.
    pub raw: String,
    pub form: LicenseForm,
    /// Why the text is invalid, for `LicenseForm::Invalid`.
    pub problem: Option<String>,
}

/// Deprecated identifiers (`GPL-2.0`) are still SPDX identifiers; anything looser than
/// that must go through normalisation first, so that we can say it was rewritten.
const STRICT_BUT_DEPRECATED: spdx::ParseMode = spdx::ParseMode {
    allow_deprecated: true,
    ..spdx::ParseMode::STRICT
};

impl License {
    pub fn parse(raw: &str) -> Self {
        let trimmed = raw.trim();
        let grouped = group_slashes(trimmed);
        let (candidate, form) = match spdx::Expression::canonicalize(&grouped) {
            Ok(Some(canonical)) => (canonical, LicenseForm::Normalised),
            Ok(None) if grouped != trimmed => (grouped, LicenseForm::Normalised),
            Ok(None) => (trimmed.to_string(), LicenseForm::Valid),
            Err(err) => return Self::invalid(raw, &err),
        };
        match spdx::Expression::parse_mode(&candidate, STRICT_BUT_DEPRECATED) {
            Ok(_) => Self::new(&candidate, raw, form, None),
            Err(err) => Self::invalid(raw, &err),
        }
    }

    fn new(expression: &str, raw: &str, form: LicenseForm, problem: Option<String>) -> Self {
        Self {
            expression: expression.to_string(),
            raw: raw.to_string(),
            form,
            problem,
        }
    }

    fn invalid(raw: &str, err: &spdx::ParseError) -> Self {
        // The spdx crate's own message repeats the text with a caret line; a table cell
        // or a JSON field wants one line.
        let at = err.original.get(err.span.clone()).unwrap_or("").trim();
        let problem = if at.is_empty() {
            err.reason.to_string()
        } else {
            format!("{} `{at}`", err.reason)
        };
        Self::new(raw.trim(), raw, LicenseForm::Invalid, Some(problem))
    }
}

/// The legacy `A/B` means "A or B" and binds tighter than any operator beside it:
/// `MIT/Apache-2.0 AND BSD-2-Clause` is `(MIT OR Apache-2.0) AND BSD-2-Clause`. Written
/// out as a bare `OR`, SPDX would read it as `MIT OR (Apache-2.0 AND BSD-2-Clause)`.
fn group_slashes(text: &str) -> String {
    // Only beside AND does the grouping change the meaning (OR is associative, WITH binds
    // tightest); everything else is left to the spdx crate's own rewriting.
    if !text.contains('/') || !text.to_ascii_uppercase().contains(" AND ") {
        return text.to_string();
    }
    let joined: String = text.split('/').map(str::trim).collect::<Vec<_>>().join("/");
    let words: Vec<&str> = joined.split_whitespace().collect();
    let alone = words.len() == 1;
    words
        .iter()
        .map(|word| {
            let start = word.len() - word.trim_start_matches('(').len();
            let end = word.trim_end_matches(')').len().max(start);
            let core = &word[start..end];
            if !core.contains('/') {
                return word.to_string();
            }
            let either = core.split('/').collect::<Vec<_>>().join(" OR ");
            let parenthesised = start > 0 && end < word.len();
            let group = if alone || parenthesised {
                either
            } else {
                format!("({either})")
            };
            format!("{}{group}{}", &word[..start], &word[end..])
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The expression in a form where equal meaning is equal text: `AND` and `OR` chains
/// flattened and their terms sorted, so `MIT OR Apache-2.0` equals `Apache-2.0 OR MIT`
/// and `(MIT OR Apache-2.0) AND BSD-2-Clause` equals `BSD-2-Clause AND (Apache-2.0 OR MIT)`.
/// `None` when the text is not an SPDX expression.
pub fn canonical(expression: &str) -> Option<String> {
    let parsed = spdx::Expression::parse_mode(expression, STRICT_BUT_DEPRECATED).ok()?;
    // Postfix nodes: each entry is (operator of the chain, its terms); a single term
    // has no operator.
    let mut stack: Vec<(Option<spdx::expression::Operator>, Vec<String>)> = Vec::new();
    for node in parsed.iter() {
        match node {
            spdx::expression::ExprNode::Req(req) => stack.push((None, vec![req.req.to_string()])),
            spdx::expression::ExprNode::Op(op) => {
                let right = stack.pop()?;
                let left = stack.pop()?;
                let mut terms = Vec::new();
                for (child_op, child_terms) in [left, right] {
                    match child_op {
                        Some(child) if child != *op => terms.push(format!("({})", join(child, &child_terms))),
                        _ => terms.extend(child_terms),
                    }
                }
                terms.sort_unstable();
                stack.push((Some(*op), terms));
            }
        }
    }
    let (op, terms) = stack.pop()?;
    Some(op.map_or_else(|| terms.concat(), |op| join(op, &terms)))
}

fn join(op: spdx::expression::Operator, terms: &[String]) -> String {
    let word = match op {
        spdx::expression::Operator::And => " AND ",
        spdx::expression::Operator::Or => " OR ",
    };
    terms.join(word)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_expressions_are_kept_as_written() {
        let license = License::parse("MIT OR Apache-2.0");
        assert_eq!(license.expression, "MIT OR Apache-2.0");
        assert_eq!(license.form, LicenseForm::Valid);
        assert_eq!(
            License::parse("Apache-2.0 WITH LLVM-exception").form,
            LicenseForm::Valid
        );
        // A deprecated identifier is rewritten to the one that replaced it.
        assert_eq!(License::parse("GPL-2.0").expression, "GPL-2.0-only");
    }

    #[test]
    fn legacy_slash_forms_are_normalised_in_their_order() {
        for (raw, expected) in [
            ("MIT/Apache-2.0", "MIT OR Apache-2.0"),
            ("Apache-2.0 / MIT", "Apache-2.0 OR MIT"),
            ("Unlicense/MIT", "Unlicense OR MIT"),
            ("MIT or Apache-2.0", "MIT OR Apache-2.0"),
        ] {
            let license = License::parse(raw);
            assert_eq!(license.expression, expected, "{raw}");
            assert_eq!(license.form, LicenseForm::Normalised, "{raw}");
            assert_eq!(license.raw, raw);
        }
    }

    #[test]
    fn a_slash_group_beside_another_operator_keeps_its_meaning() {
        for (raw, expected) in [
            (
                "MIT/Apache-2.0 AND BSD-2-Clause",
                "(MIT OR Apache-2.0) AND BSD-2-Clause",
            ),
            (
                "BSD-3-Clause AND MIT / Apache-2.0",
                "BSD-3-Clause AND (MIT OR Apache-2.0)",
            ),
            ("(MIT/Apache-2.0) AND Zlib", "(MIT OR Apache-2.0) AND Zlib"),
            ("MIT/Apache-2.0/Zlib", "MIT OR Apache-2.0 OR Zlib"),
            (
                "Apache-2.0 WITH LLVM-exception/MIT",
                "Apache-2.0 WITH LLVM-exception OR MIT",
            ),
        ] {
            let license = License::parse(raw);
            assert_eq!(license.expression, expected, "{raw}");
            assert_eq!(license.form, LicenseForm::Normalised, "{raw}");
        }
        assert_eq!(
            canonical(&License::parse("MIT/Apache-2.0 AND BSD-2-Clause").expression),
            canonical("BSD-2-Clause AND (Apache-2.0 OR MIT)")
        );
        assert_ne!(
            canonical("(MIT OR Apache-2.0) AND BSD-2-Clause"),
            canonical("MIT OR Apache-2.0 AND BSD-2-Clause"),
            "AND binds tighter than OR"
        );
    }

    #[test]
    fn canonical_forms_ignore_order_and_grouping_of_one_operator() {
        assert_eq!(canonical("MIT OR Apache-2.0"), canonical("Apache-2.0 OR MIT"));
        assert!(canonical("A-1 OR (MIT OR Zlib)").is_none(), "A-1 is no licence");
        assert_eq!(
            canonical("Zlib OR (MIT OR Apache-2.0)"),
            canonical("MIT OR Apache-2.0 OR Zlib")
        );
        assert_eq!(canonical("MIT AND Zlib").as_deref(), Some("MIT AND Zlib"));
        assert_ne!(canonical("MIT AND Zlib"), canonical("MIT OR Zlib"));
    }

    #[test]
    fn invalid_expressions_keep_their_text_and_say_why() {
        let license = License::parse("Proprietary and secret");
        assert_eq!(license.form, LicenseForm::Invalid);
        assert_eq!(license.expression, "Proprietary and secret");
        assert_eq!(license.problem.as_deref(), Some("unknown term `Proprietary`"));
        assert_eq!(License::parse("MIT OR (Apache-2.0").form, LicenseForm::Invalid);
    }
}
