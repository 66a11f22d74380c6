//! Asking a person at a terminal for what `okr new` still needs: the problem, the owner, tags
//! (the repository's own offered), and levels from `[scales]` as choices.
//!
//! Only ever on a terminal: in CI, or with `--no-input`, nothing is asked and the file is written
//! with what the command line gave.

use std::io::IsTerminal;

use dialoguer::theme::ColorfulTheme;
use dialoguer::{Input, MultiSelect, Select};

use super::args::NewArgs;
use crate::config::{Scale, Scales};
use crate::error::{Error, Result};

/// Whether `okr new` may ask: standard input and standard error are both a terminal.
pub(super) fn interactive(args: &NewArgs) -> bool {
    !args.no_input && std::io::stdin().is_terminal() && std::io::stderr().is_terminal()
}

/// What the repository offers as answers.
pub(super) struct Choices<'a> {
    pub scales: &'a Scales,
    /// Tags in use in the repository (or `[tags].known`), sorted.
    pub tags: Vec<String>,
    /// Whether `tags` is the closed vocabulary of `[tags].known`.
    pub closed: bool,
}

fn asked(error: dialoguer::Error) -> Error {
    let dialoguer::Error::IO(error) = error;
    Error::usage(format!("cannot read the answer: {error}"))
}

/// `args` with every missing field asked for; the owner too when git did not give one.
pub(super) fn complete(
    args: &NewArgs,
    owner: Option<String>,
    choices: &Choices,
) -> Result<(NewArgs, String)> {
    let theme = ColorfulTheme::default();
    let mut args = args.clone();
    if args.problem.is_none() {
        let problem: String = Input::with_theme(&theme)
            .with_prompt("The problem it solves, and why now")
            .allow_empty(true)
            .interact_text()
            .map_err(asked)?;
        args.problem = Some(problem.trim().to_owned()).filter(|p| !p.is_empty());
    }
    let owner = match owner.filter(|o| !o.trim().is_empty()) {
        Some(owner) => owner,
        None => Input::<String>::with_theme(&theme)
            .with_prompt("Owner")
            .allow_empty(true)
            .interact_text()
            .map_err(asked)?
            .trim()
            .to_owned(),
    };
    if args.tags.is_empty() {
        args.tags = ask_tags(&theme, choices)?;
    }
    if args.impact.is_none() {
        args.impact = Some(ask_level(&theme, "Impact", &choices.scales.impact, None)?);
    }
    if args.cost.is_none() {
        args.cost = Some(ask_level(&theme, "Cost", &choices.scales.cost, None)?);
    }
    if args.confidence.is_none() {
        let middle = choices.scales.confidence.middle().name;
        args.confidence = Some(ask_level(
            &theme,
            "Confidence",
            &choices.scales.confidence,
            Some(&middle),
        )?);
    }
    Ok((args, owner))
}

fn ask_level(
    theme: &ColorfulTheme,
    what: &str,
    scale: &Scale,
    default: Option<&str>,
) -> Result<String> {
    let names: Vec<&str> = scale.names().collect();
    let items: Vec<String> = scale
        .levels()
        .iter()
        .map(|(name, number)| format!("{name} ({number})"))
        .collect();
    let default = default
        .and_then(|d| names.iter().position(|n| *n == d))
        .unwrap_or((names.len() - 1) / 2);
    let index = Select::with_theme(theme)
        .with_prompt(what)
        .items(&items)
        .default(default)
        .interact()
        .map_err(asked)?;
    Ok(names[index].to_owned())
}

fn ask_tags(theme: &ColorfulTheme, choices: &Choices) -> Result<Vec<String>> {
    let mut tags = Vec::new();
    if !choices.tags.is_empty() {
        let prompt = if choices.closed {
            "Tags (space to pick, enter to accept)"
        } else {
            "Tags in use (space to pick, enter to accept)"
        };
        let picked = MultiSelect::with_theme(theme)
            .with_prompt(prompt)
            .items(&choices.tags)
            .interact()
            .map_err(asked)?;
        tags.extend(picked.into_iter().map(|i| choices.tags[i].clone()));
    }
    if !choices.closed {
        let more: String = Input::with_theme(theme)
            .with_prompt("New tags, separated by commas")
            .allow_empty(true)
            .interact_text()
            .map_err(asked)?;
        for tag in more.split(',').map(str::trim).filter(|t| !t.is_empty()) {
            if !tags.iter().any(|t| t == tag) {
                tags.push(tag.to_owned());
            }
        }
    }
    Ok(tags)
}
