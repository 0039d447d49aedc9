//! iaclint: a static policy linter for infrastructure as code.
//!
//! The pipeline is `discover → parse → graph → rules → report`; each stage is one module.

pub mod finding;
pub mod graph;
pub mod source;
pub mod terraform;
pub mod value;
