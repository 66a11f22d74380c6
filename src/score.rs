//! The scoring formula: a minijinja expression over an initiative's numbers.

use std::collections::HashMap;

use minijinja::{Environment, Value, context};
use rayon::prelude::*;

use crate::error::Error;

/// Enough for any arithmetic a team writes; a formula that loops for ever runs out of it.
const FUEL: u64 = 10_000;

/// A formula that compiled; kept as text because minijinja expressions borrow their environment.
#[derive(Debug, Clone, PartialEq)]
pub struct Formula {
    source: String,
}

/// The names a formula may use: the numbers of [`Inputs`].
pub const VARIABLES: [&str; 4] = ["impact", "cost", "confidence", "supporters"];

/// The numbers a formula sees.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Inputs {
    pub impact: f64,
    pub cost: f64,
    pub confidence: f64,
    pub supporters: usize,
}

fn environment() -> Environment<'static> {
    let mut env = Environment::new();
    env.set_fuel(Some(FUEL));
    env
}

impl Formula {
    pub fn compile(source: &str) -> Result<Formula, String> {
        let env = environment();
        env.compile_expression(source).map_err(|e| e.to_string())?;
        Ok(Formula {
            source: source.to_owned(),
        })
    }

    /// The variables the formula uses that are none of [`VARIABLES`], sorted: each would be
    /// undefined, and a typo (`confidance`) must be named, not found as a failed operation.
    pub fn unknown_variables(&self) -> Vec<String> {
        let env = environment();
        let Ok(expression) = env.compile_expression(&self.source) else {
            return Vec::new();
        };
        let mut unknown: Vec<String> = expression
            .undeclared_variables(false)
            .into_iter()
            .filter(|name| !VARIABLES.contains(&name.as_str()))
            .collect();
        unknown.sort();
        unknown
    }

    pub fn source(&self) -> &str {
        &self.source
    }

    /// Scores each input; `label` names the input in an error (the initiative id).
    pub fn scores<'a>(
        &self,
        inputs: impl IntoIterator<Item = (&'a str, Inputs)>,
    ) -> Result<Vec<f64>, Error> {
        let env = environment();
        let fail = |reason: String| Error::Formula {
            formula: self.source.clone(),
            reason,
        };
        let expression = env
            .compile_expression(&self.source)
            .map_err(|e| fail(e.to_string()))?;
        // A formula is a pure function of four numbers, and initiatives share a few levels:
        // each distinct set of numbers is evaluated once, in the order it first appears.
        let mut distinct: HashMap<(u64, u64, u64, usize), usize> = HashMap::new();
        let mut firsts: Vec<(&str, Inputs)> = Vec::new();
        let slots: Vec<usize> = inputs
            .into_iter()
            .map(|(label, input)| {
                let key = (
                    input.impact.to_bits(),
                    input.cost.to_bits(),
                    input.confidence.to_bits(),
                    input.supporters,
                );
                *distinct.entry(key).or_insert_with(|| {
                    firsts.push((label, input));
                    firsts.len() - 1
                })
            })
            .collect();
        let values: Vec<Result<f64, Error>> = firsts
            .par_iter()
            .map(|&(label, input)| {
                let value: Value = expression
                    .eval(context! {
                        impact => input.impact,
                        cost => input.cost,
                        confidence => input.confidence,
                        supporters => input.supporters,
                    })
                    .map_err(|e| fail(format!("for `{label}`: {e}")))?;
                f64::try_from(value.clone())
                    .ok()
                    .filter(|n| n.is_finite())
                    .ok_or_else(|| {
                        fail(format!(
                            "for `{label}` it gives `{value}`, not a finite number"
                        ))
                    })
            })
            .collect();
        // The first initiative whose numbers fail names the error.
        let values: Vec<f64> = values.into_iter().collect::<Result<_, _>>()?;
        Ok(slots.into_iter().map(|slot| values[slot]).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inputs(impact: f64, cost: f64) -> Inputs {
        Inputs {
            impact,
            cost,
            confidence: 0.8,
            supporters: 2,
        }
    }

    #[test]
    fn the_default_formula_divides_value_by_cost() {
        let formula = Formula::compile(crate::config::DEFAULT_FORMULA).unwrap();
        let scores = formula.scores([("a", inputs(3.0, 3.0))]).unwrap();
        assert!((scores[0] - 0.8).abs() < 1e-12);
    }

    #[test]
    fn supporters_and_integer_results_count() {
        let formula = Formula::compile("impact + supporters").unwrap();
        assert_eq!(formula.scores([("a", inputs(3.0, 1.0))]).unwrap(), [5.0]);
    }

    #[test]
    fn shared_numbers_share_a_score_and_the_first_failure_is_named() {
        let formula = Formula::compile("impact / cost").unwrap();
        let scores = formula
            .scores([
                ("a", inputs(3.0, 1.0)),
                ("b", inputs(2.0, 1.0)),
                ("c", inputs(3.0, 1.0)),
            ])
            .unwrap();
        assert_eq!(scores, [3.0, 2.0, 3.0]);
        let formula = Formula::compile("impact / (cost - 1)").unwrap();
        let error = formula
            .scores([
                ("a", inputs(3.0, 2.0)),
                ("b", inputs(3.0, 1.0)),
                ("c", inputs(2.0, 1.0)),
            ])
            .unwrap_err();
        assert!(error.to_string().contains("for `b`"), "{error}");
    }

    #[test]
    fn a_misspelt_variable_is_named() {
        let formula = Formula::compile("impact * confidance / cost + x").unwrap();
        assert_eq!(formula.unknown_variables(), ["confidance", "x"]);
        let formula = Formula::compile("impact * confidence / cost * supporters").unwrap();
        assert!(formula.unknown_variables().is_empty());
    }

    #[test]
    fn bad_formulas_are_errors_naming_the_formula() {
        assert!(Formula::compile("impact *").is_err());
        let formula = Formula::compile("impact / (cost - cost)").unwrap();
        let error = formula.scores([("a", inputs(3.0, 1.0))]).unwrap_err();
        let message = error.to_string();
        assert!(message.contains("impact / (cost - cost)"), "{message}");
        assert!(message.contains("`a`"), "{message}");
        let formula = Formula::compile("'high'").unwrap();
        assert!(formula.scores([("a", inputs(3.0, 1.0))]).is_err());
    }
}
