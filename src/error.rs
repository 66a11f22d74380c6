//! Operational errors: the ones that stop a command and exit 2. Problems in the team's files
//! are findings instead (see `finding`), except in `okr.toml`, which nothing can be read without.

use std::path::PathBuf;

use crate::finding::{Finding, Texts};

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("not an okr repository: no okr.toml in `{}` or any folder above it (the search stops at the top of a git repository); run `okr init` to start one", .0.display())]
    #[allow(clippy::doc_markdown)]
    NoRepository(PathBuf),

    #[error("{} has {}; nothing else can be checked until it is fixed", config_file(.findings), crate::text::count(.findings.len(), "problem"))]
    Config {
        findings: Vec<Finding>,
        texts: Texts,
    },

    #[error("the scoring formula `{formula}` in okr.toml does not give a score: {reason}")]
    Formula { formula: String, reason: String },

    #[error("{message}")]
    Usage { message: String },

    #[error("cannot {action} `{}`: {source}", .path.display())]
    Io {
        action: &'static str,
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    #[error("cannot write output: {0}")]
    Output(#[source] std::io::Error),

    #[error("{message}")]
    Git { message: String },

    #[error("template `{name}`: {message}")]
    Template { name: String, message: String },
}

/// The settings file that `findings` are about: okr.toml, or an org's okr-org.toml. (Spelt
/// here, not taken from `config`, which sits above the errors.)
fn config_file(findings: &[Finding]) -> &str {
    findings
        .first()
        .map_or("okr.toml", |finding| finding.file.as_str())
}

impl Error {
    pub fn io(action: &'static str, path: impl Into<PathBuf>, source: std::io::Error) -> Error {
        Error::Io {
            action,
            path: path.into(),
            source,
        }
    }

    pub fn usage(message: impl Into<String>) -> Error {
        Error::Usage {
            message: message.into(),
        }
    }

    /// The error as met reading revision `rev`: a settings file's findings name the file as
    /// git does, `REV:okr.toml`, so a reader knows it is not the working tree's.
    pub fn at_revision(self, rev: &str) -> Error {
        match self {
            Error::Config { findings, texts } => {
                let prefix = format!("{rev}:");
                Error::Config {
                    findings: findings
                        .into_iter()
                        .map(|mut finding| {
                            finding.file.insert_str(0, &prefix);
                            finding
                        })
                        .collect(),
                    texts: texts.prefixed(&prefix),
                }
            }
            other => other,
        }
    }

    /// A closed pipe on stdout (`okr list | head`) is not an error.
    pub fn is_broken_pipe(&self) -> bool {
        matches!(self, Error::Output(e) if e.kind() == std::io::ErrorKind::BrokenPipe)
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
