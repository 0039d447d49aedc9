//! The front ends iaclint reads, in precedence order: the first that claims a file reads it (a
//! workflow's `.yml` before CloudFormation's JSON/YAML). Adding a front end is its module and
//! one line here.

use crate::frontend::FrontEnds;

/// Every built-in front end.
pub static FRONT_ENDS: FrontEnds = FrontEnds(&[
    &crate::terraform::FRONT_END,
    &crate::workflow::FRONT_END,
    &crate::cloudformation::FRONT_END,
]);
