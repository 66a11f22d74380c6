//! `okr schema [KIND]`: the JSON Schema of a file format, with the levels of the repository's
//! `[scales]` (the defaults outside a repository).

use std::process::ExitCode;

use super::args::SchemaArgs;
use super::context::{Context, print};
use crate::config::Scales;
use crate::error::{Error, Result};
use crate::source::{WorkTree, find_root};
use crate::{load, schema};

/// The scales of the repository okr runs in; the defaults outside one.
fn scales_here(context: &Context) -> Result<Scales> {
    match find_root(&context.dir) {
        Ok(root) => Ok(load::load_config(&WorkTree::new(&root)?)?.scales),
        Err(Error::NoRepository(_)) => Ok(Scales::default()),
        Err(error) => Err(error),
    }
}

pub(super) fn run(context: &Context, args: &SchemaArgs) -> Result<ExitCode> {
    let scales = scales_here(context)?;
    print(&schema::text(args.kind, &scales))?;
    Ok(ExitCode::SUCCESS)
}
