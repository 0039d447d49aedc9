//! The literal template tree: the shared spanned readers of [`crate::syntax`], with
//! CloudFormation's YAML short-form tags rewritten to their long forms (`!Ref X` →
//! `{"Ref": "X"}`).

pub(crate) use crate::syntax::json::{looks_like_json, parse as parse_json};
pub(crate) use crate::syntax::yaml::comments as yaml_comments;
pub(crate) use crate::syntax::{Key, Raw, RawError, RawVal};

/// Short-form CloudFormation tags and the long form each stands for.
const SHORT_TAGS: &[(&str, &str)] = &[
    ("Ref", "Ref"),
    ("Condition", "Condition"),
    ("GetAtt", "Fn::GetAtt"),
    ("Sub", "Fn::Sub"),
    ("Join", "Fn::Join"),
    ("If", "Fn::If"),
    ("Select", "Fn::Select"),
    ("Split", "Fn::Split"),
    ("FindInMap", "Fn::FindInMap"),
    ("ImportValue", "Fn::ImportValue"),
    ("Base64", "Fn::Base64"),
    ("Equals", "Fn::Equals"),
    ("Not", "Fn::Not"),
    ("And", "Fn::And"),
    ("Or", "Fn::Or"),
    ("GetAZs", "Fn::GetAZs"),
    ("Cidr", "Fn::Cidr"),
    ("Transform", "Fn::Transform"),
    ("ToJsonString", "Fn::ToJsonString"),
    ("Length", "Fn::Length"),
];

/// Parses the first document of a YAML template, short tags rewritten.
pub(crate) fn parse_yaml(text: &str) -> Result<Raw, RawError> {
    crate::syntax::yaml::parse(text, SHORT_TAGS)
}

/// CloudFormation's reading of a literal value.
pub(crate) trait Intrinsic {
    /// `(name, argument, key span)` when this is a one-key mapping whose key is `Ref`, `Condition`
    /// or starts with `Fn::` (an intrinsic function call).
    fn intrinsic(&self) -> Option<(&str, &Raw)>;
}

impl Intrinsic for Raw {
    fn intrinsic(&self) -> Option<(&str, &Raw)> {
        match &self.v {
            RawVal::Map(m) if m.len() == 1 => {
                let (k, v) = &m[0];
                (k.name == "Ref" || k.name == "Condition" || k.name.starts_with("Fn::"))
                    .then_some((k.name.as_str(), v))
            }
            _ => None,
        }
    }
}
