//! A file's bytes as text: UTF-8, with a byte-order mark dropped; anything else is a finding.

use std::sync::Arc;

use crate::finding::{Finding, Rule};
use crate::source::{Content, SourceFile};

/// The text of a file: UTF-8, with a byte-order mark dropped; anything else is a finding.
pub fn decode(file: &SourceFile) -> Result<Arc<str>, Vec<Finding>> {
    let path = file.path.as_str();
    let Content::Bytes(bytes) = &file.content else {
        return Err(file.content.unread(path).into_iter().collect());
    };
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err(vec![
            Finding::new(
                Rule::Encoding,
                path,
                None,
                "file is UTF-16, not UTF-8".into(),
            )
            .with_help("save the file as UTF-8".to_owned()),
        ]);
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok(Arc::from(text)),
        Err(error) => {
            let at = error.valid_up_to();
            Err(vec![
                Finding::new(
                    Rule::Encoding,
                    path,
                    Some(at..at + 1),
                    format!("file is not UTF-8: invalid byte `0x{:02X}`", bytes[at]),
                )
                .with_help("save the file as UTF-8".to_owned()),
            ])
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bytes(content: &[u8]) -> SourceFile {
        SourceFile {
            path: "initiatives/a.toml".into(),
            content: Content::Bytes(content.to_vec()),
        }
    }

    #[test]
    fn a_byte_order_mark_is_dropped() {
        assert_eq!(&*decode(&bytes(b"\xEF\xBB\xBFa = 1")).unwrap(), "a = 1");
    }

    #[test]
    fn other_encodings_are_findings_with_a_place() {
        let findings = decode(&bytes(b"title = \"caf\xE9\"")).unwrap_err();
        assert_eq!(findings[0].rule, Rule::Encoding);
        assert_eq!(findings[0].span, Some(12..13));
        assert!(findings[0].message.contains("0xE9"));
        let findings = decode(&bytes(b"\xFF\xFEt\0")).unwrap_err();
        assert!(findings[0].message.contains("UTF-16"));
    }
}
