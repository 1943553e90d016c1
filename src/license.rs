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
        let (candidate, form) = match spdx::Expression::canonicalize(trimmed) {
            Ok(Some(canonical)) => (canonical, LicenseForm::Normalised),
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
    fn invalid_expressions_keep_their_text_and_say_why() {
        let license = License::parse("Proprietary and secret");
        assert_eq!(license.form, LicenseForm::Invalid);
        assert_eq!(license.expression, "Proprietary and secret");
        assert_eq!(license.problem.as_deref(), Some("unknown term `Proprietary`"));
        assert_eq!(License::parse("MIT OR (Apache-2.0").form, LicenseForm::Invalid);
    }
}
