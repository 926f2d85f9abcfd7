//! `cheat_categories` (`oncall cheat --categories`): the categories with their counts.

use crate::cheat::{self, sheet::Sheet, CheatOptions, CheatReport};
use crate::error::Error;
use schemars::JsonSchema;
use serde::Deserialize;

#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CheatCategoriesRequest {}

pub fn run(sheet: &Sheet, _req: &CheatCategoriesRequest) -> Result<CheatReport, Error> {
    cheat::query(
        sheet,
        &CheatOptions {
            categories: true,
            ..CheatOptions::default()
        },
    )
}
