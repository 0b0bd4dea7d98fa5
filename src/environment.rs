//! The five environments and the chain a deployment promotes through.

use std::fmt;
use std::str::FromStr;

/// One of the five environments, in their fixed order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Environment {
    /// Where content is made; the only environment where promoted content may be edited.
    Dev,
    /// Checked by QA.
    Test,
    /// Accepted by the business.
    Uat,
    /// Rehearsed by devops.
    Staging,
    /// Live: published, and hot-fixed only by declaration.
    Production,
}

impl Environment {
    /// All five, in canonical order.
    pub const ALL: [Environment; 5] =
        [Environment::Dev, Environment::Test, Environment::Uat, Environment::Staging, Environment::Production];

    /// The lowercase name, as written in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Environment::Dev => "dev",
            Environment::Test => "test",
            Environment::Uat => "uat",
            Environment::Staging => "staging",
            Environment::Production => "production",
        }
    }

    /// Reads a name case-insensitively (`"PRODUCTION"` is production).
    pub fn parse(name: &str) -> Option<Environment> {
        Environment::ALL.into_iter().find(|env| env.as_str().eq_ignore_ascii_case(name))
    }

    /// Position in the canonical order, 0 for dev.
    pub fn index(self) -> usize {
        self as usize
    }

    fn bit(self) -> u8 {
        1 << (self as u8)
    }
}

impl fmt::Display for Environment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Environment {
    type Err = UnknownEnvironment;

    fn from_str(name: &str) -> Result<Self, Self::Err> {
        Environment::parse(name).ok_or(UnknownEnvironment)
    }
}

/// The name is not one of `dev`, `test`, `uat`, `staging`, `production`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("not one of dev, test, uat, staging, production")]
pub struct UnknownEnvironment;

/// A set of environments, as a bit set (e.g. the `noSelfPromotion` list of a policy).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct EnvironmentSet {
    members: u8,
}

impl EnvironmentSet {
    /// Adds an environment.
    pub fn insert(&mut self, env: Environment) {
        self.members |= env.bit();
    }

    /// Whether the set holds `env`.
    pub fn contains(self, env: Environment) -> bool {
        self.members & env.bit() != 0
    }

    /// The environments of the set, in canonical order.
    pub fn iter(self) -> impl Iterator<Item = Environment> {
        Environment::ALL.into_iter().filter(move |&env| self.contains(env))
    }

    /// Whether the set is empty.
    pub fn is_empty(self) -> bool {
        self.members == 0
    }
}

impl FromIterator<Environment> for EnvironmentSet {
    fn from_iter<I: IntoIterator<Item = Environment>>(iter: I) -> Self {
        let mut set = EnvironmentSet::default();
        for env in iter {
            set.insert(env);
        }
        set
    }
}

/// Why a list of environments is not a valid chain.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ChainError {
    /// The chain must start with dev.
    #[error("the chain must start with dev")]
    MustStartWithDev,
    /// The chain must end with production.
    #[error("the chain must end with production")]
    MustEndWithProduction,
    /// An environment appears twice, or out of the canonical order, at this index.
    #[error("the chain must keep the order dev, test, uat, staging, production without duplicates")]
    OutOfOrder(usize),
}

/// The environments a deployment uses, in order: dev first, production last, at most five.
///
/// Stored as a bit set, so it is `Copy` and every question is a few instructions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Chain {
    members: u8,
}

impl Default for Chain {
    /// All five environments.
    fn default() -> Self {
        Chain { members: 0b1_1111 }
    }
}

impl Chain {
    /// Checks the rules of a chain: starts with dev, ends with production, canonical order, no duplicates.
    pub fn new(environments: &[Environment]) -> Result<Chain, ChainError> {
        if environments.first() != Some(&Environment::Dev) {
            return Err(ChainError::MustStartWithDev);
        }
        let mut members = 0u8;
        let mut previous: Option<Environment> = None;
        for (index, &env) in environments.iter().enumerate() {
            if previous.is_some_and(|prev| prev >= env) {
                return Err(ChainError::OutOfOrder(index));
            }
            members |= env.bit();
            previous = Some(env);
        }
        if previous != Some(Environment::Production) {
            return Err(ChainError::MustEndWithProduction);
        }
        Ok(Chain { members })
    }

    /// Whether the chain uses `env`.
    pub fn contains(self, env: Environment) -> bool {
        self.members & env.bit() != 0
    }

    /// The environment right after `env` in the chain; `None` after production.
    pub fn next(self, env: Environment) -> Option<Environment> {
        self.iter().find(|&candidate| candidate > env)
    }

    /// The environments of the chain, in order.
    pub fn iter(self) -> impl Iterator<Item = Environment> {
        Environment::ALL.into_iter().filter(move |&env| self.contains(env))
    }

    /// The environments of the chain as a vector.
    pub fn to_vec(self) -> Vec<Environment> {
        self.iter().collect()
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use Environment::*;

    #[test]
    fn names_are_read_case_insensitively_and_written_lowercase() {
        assert_eq!(Environment::parse("PRODUCTION"), Some(Production));
        assert_eq!(Environment::parse("Uat"), Some(Uat));
        assert_eq!(Environment::parse("prod"), None);
        assert_eq!(Environment::parse(" dev"), None);
        assert_eq!(Staging.to_string(), "staging");
    }

    #[test]
    fn a_short_chain_skips_the_environments_it_leaves_out() {
        let chain = Chain::new(&[Dev, Staging, Production]).map_err(|e| e.to_string());
        assert_eq!(
            chain.map(|c| (c.next(Dev), c.next(Staging), c.next(Production), c.contains(Test))),
            Ok((Some(Staging), Some(Production), None, false))
        );
    }

    #[test]
    fn a_chain_must_start_with_dev_end_with_production_and_keep_the_order() {
        assert_eq!(Chain::new(&[Test, Production]), Err(ChainError::MustStartWithDev));
        assert_eq!(Chain::new(&[Dev, Staging]), Err(ChainError::MustEndWithProduction));
        assert_eq!(Chain::new(&[Dev, Uat, Test, Production]), Err(ChainError::OutOfOrder(2)));
        assert_eq!(Chain::new(&[Dev, Dev, Production]), Err(ChainError::OutOfOrder(1)));
        assert_eq!(Chain::new(&[]), Err(ChainError::MustStartWithDev));
    }
}
