use std::sync::Arc;

use super::raw::Intrinsic;
use super::*;
use crate::graph::{GraphBuilder, Node};
use crate::policy::{PolicyKind, extract};
use crate::value::{Seg, route_to_string};

fn file(path: &str, text: &str) -> SourceFile {
    SourceFile::new(path.into(), path.into(), Arc::from(text))
}

fn build(path: &str, text: &str) -> (SourceFile, Fragment) {
    let f = file(path, text);
    let frag = match build_template(FileId(0), &f) {
        Ok(frag) => frag,
        Err(e) => panic!("{}: {:?}", e.message, e.span.map(|s| f.position(s.start))),
    };
    (f, frag)
}

fn build_err(path: &str, text: &str) -> (SourceFile, InputError) {
    let f = file(path, text);
    match build_template(FileId(0), &f) {
        Ok(_) => panic!("expected an error"),
        Err(e) => (f, e),
    }
}

fn node<'a>(frag: &'a Fragment, address: &str) -> &'a Node {
    frag.nodes
        .iter()
        .find(|n| n.address == address)
        .unwrap_or_else(|| panic!("no node {address}"))
}

fn index(frag: &Fragment, address: &str) -> u32 {
    frag.nodes
        .iter()
        .position(|n| n.address == address)
        .unwrap_or_else(|| panic!("no node {address}")) as u32
}

fn k(s: &str) -> Seg {
    Seg::Key(s.to_string())
}

fn at<'a>(n: &'a Node, path: &[Seg]) -> &'a Spanned {
    n.attrs
        .at(path)
        .unwrap_or_else(|| panic!("no {} in {}", route_to_string(path), n.address))
}

fn text_of<'a>(f: &'a SourceFile, v: &Spanned) -> &'a str {
    f.slice(v.span.expect("a span"))
}

fn unknown_expr(v: &Spanned) -> &str {
    match &v.val {
        Val::Unknown(u) => &u.expr,
        other => panic!("expected unknown, got {other:?}"),
    }
}

/// Edges as `(from, route, to, attr)` strings, sorted.
fn edges(frag: &Fragment) -> Vec<String> {
    let mut out: Vec<String> = frag
        .edges
        .iter()
        .map(|e| {
            format!(
                "{} {} -> {}{}",
                frag.nodes[e.from.0 as usize].address,
                route_to_string(&e.route),
                frag.nodes[e.to.0 as usize].address,
                e.attr
                    .as_deref()
                    .map(|a| format!(".{a}"))
                    .unwrap_or_default()
            )
        })
        .collect();
    out.sort();
    out.dedup();
    out
}

const YAML: &str = "\
AWSTemplateFormatVersion: '2010-09-09'
Parameters:
  Env:
    Type: String
    Default: prod
  Subnets:
    Type: CommaDelimitedList
    Default: a,b
  NoDefault:
    Type: String
Conditions:
  IsProd: !Equals [!Ref Env, prod]
  IsDev: !Not [!Condition IsProd]
  Unknown: !Equals [!Ref AWS::Region, us-east-1]
Mappings:
  Sizes:
    prod:
      Cpu: 1024
Resources:
  Key:
    Type: AWS::KMS::Key
    Metadata:
      aws:cdk:path: MyStack/Logs/Key
    Properties:
      Description: \"clé – ünïcode\"
      KeyPolicy:
        Statement:
          - Effect: Allow
            Principal: {AWS: !Sub 'arn:aws:iam::${AWS::AccountId}:root'}
            Action: kms:*
            Resource: '*'
  Logs:
    Type: AWS::Logs::LogGroup
    DependsOn: [Key]
    Properties:
      KmsKeyId: !GetAtt Key.Arn
      KmsKeyId2: !GetAtt [Key, Arn]
      Name: !Sub '${Env}-logs-${!Literal}'
      Dyn: !Sub ['${Key}-${X}', {X: !Ref Env}]
      Cpu: !FindInMap [Sizes, !Ref Env, Cpu]
      Picked: !If [IsProd, yes, no]
      NotPicked: !If [IsDev, !Ref Key, plain]
      Either: !If [Unknown, !GetAtt Key.Arn, !Ref Logs2]
      Gone: !Ref AWS::NoValue
      MaybeGone: !If [IsProd, !Ref AWS::NoValue, here]
      List: [a, !Ref AWS::NoValue, c]
      Region: !Ref AWS::Region
      Partition: !Ref AWS::Partition
      Unset: !Ref NoDefault
      Joined: !Join ['-', [!Ref Env, x]]
      JoinedUnknown: !Join ['', ['arn:', !Ref AWS::Partition, ':iam::', !Ref AWS::AccountId, ':root']]
      Selected: !Select [1, !Ref Subnets]
      SplitIt: !Split [',', 'x,y']
      Az: !Select [0, !GetAZs '']
      Imported: !ImportValue SharedKey
      Encoded: !Base64 hi
      on: yes
  Logs2:
    Type: AWS::Logs::LogGroup
Outputs:
  KeyArn:
    Value: !GetAtt Key.Arn
";

#[test]
fn yaml_template_nodes_and_values() {
    let (f, frag) = build("stack.yaml", YAML);
    let key = node(&frag, "Key");
    assert_eq!(key.kind, NodeKind::Resource);
    assert_eq!(key.format, Format::Cloudformation);
    assert_eq!(key.type_name, "AWS::KMS::Key");
    assert_eq!(key.module, "stack.yaml");
    assert_eq!(f.slice(key.header), "Key");
    assert!(f.slice(key.span).starts_with("Type: AWS::KMS::Key"));
    assert!(f.slice(key.span).trim_end().ends_with("Resource: '*'"));
    assert_eq!(key.meta.cdk_path.as_deref(), Some("MyStack/Logs/Key"));
    // Spans after multibyte characters.
    let d = at(key, &[k("Description")]);
    assert_eq!(d.as_str(), Some("clé – ünïcode"));
    assert_eq!(text_of(&f, d), "\"clé – ünïcode\"");
    let principal = at(
        key,
        &[
            k("KeyPolicy"),
            k("Statement"),
            Seg::Index(0),
            k("Principal"),
            k("AWS"),
        ],
    );
    assert_eq!(
        unknown_expr(principal),
        "arn:aws:iam::${AWS::AccountId}:root"
    );
    assert_eq!(
        text_of(&f, principal),
        "!Sub 'arn:aws:iam::${AWS::AccountId}:root'"
    );

    let logs = node(&frag, "Logs");
    let get = |name: &str| at(logs, &[k(name)]);
    assert_eq!(unknown_expr(get("KmsKeyId")), "!GetAtt Key.Arn");
    assert_eq!(text_of(&f, get("KmsKeyId")), "!GetAtt Key.Arn");
    assert!(get("KmsKeyId2").is_unknown());
    assert_eq!(get("Name").as_str(), Some("prod-logs-${Literal}"));
    assert_eq!(unknown_expr(get("Dyn")), "${Key}-prod");
    assert_eq!(get("Cpu").val, Val::Number(1024.0));
    assert_eq!(get("Picked").as_str(), Some("yes"));
    assert_eq!(get("NotPicked").as_str(), Some("plain"));
    assert!(get("Either").is_unknown());
    assert!(logs.attrs.get("Gone").is_none());
    assert!(logs.attrs.get("MaybeGone").is_none());
    let list: Vec<_> = get("List")
        .as_array()
        .unwrap_or(&[])
        .iter()
        .filter_map(Spanned::as_str)
        .collect();
    assert_eq!(list, ["a", "c"]);
    assert_eq!(unknown_expr(get("Region")), "!Ref AWS::Region");
    assert!(get("Partition").is_unknown());
    assert!(get("Unset").is_unknown());
    assert_eq!(get("Joined").as_str(), Some("prod-x"));
    assert_eq!(
        unknown_expr(get("JoinedUnknown")),
        "arn:${AWS::Partition}:iam::${AWS::AccountId}:root"
    );
    assert_eq!(get("Selected").as_str(), Some("b"));
    let split: Vec<_> = get("SplitIt")
        .as_array()
        .unwrap_or(&[])
        .iter()
        .filter_map(Spanned::as_str)
        .collect();
    assert_eq!(split, ["x", "y"]);
    assert!(get("Az").is_unknown());
    assert_eq!(unknown_expr(get("Imported")), "!ImportValue SharedKey");
    assert_eq!(get("Encoded").as_str(), Some("aGk="));
    // YAML 1.2: `on` and `yes` are strings.
    assert_eq!(get("on").as_str(), Some("yes"));
    // A parameter's Ref takes the Ref's span.
    assert_eq!(text_of(&f, get("Joined")), "!Join ['-', [!Ref Env, x]]");

    let env = node(&frag, "Parameters.Env");
    assert_eq!(env.kind, NodeKind::Variable);
    assert_eq!(
        env.attrs.get("Default").and_then(Spanned::as_str),
        Some("prod")
    );
    assert_eq!(
        env.attrs.get("Type").and_then(Spanned::as_str),
        Some("String")
    );
    let out = node(&frag, "Outputs.KeyArn");
    assert_eq!(out.kind, NodeKind::Output);
    assert!(out.attrs.get("Value").is_some_and(Spanned::is_unknown));
}

#[test]
fn yaml_template_edges() {
    let (f, frag) = build("stack.yaml", YAML);
    let e = edges(&frag);
    for want in [
        "Logs $ -> Key",
        "Logs $.KmsKeyId -> Key.Arn",
        "Logs $.KmsKeyId2 -> Key.Arn",
        "Logs $.Name -> Parameters.Env",
        "Logs $.Dyn -> Key",
        "Logs $.Dyn -> Parameters.Env",
        "Logs $.Cpu -> Parameters.Env",
        // Both branches of an If, whatever the condition.
        "Logs $.NotPicked -> Key",
        "Logs $.Either -> Key.Arn",
        "Logs $.Either -> Logs2",
        "Outputs.KeyArn $.Value -> Key.Arn",
    ] {
        assert!(e.contains(&want.to_string()), "missing {want} in {e:#?}");
    }
    // DependsOn: empty route, no attribute, span on the name.
    let logs = index(&frag, "Logs");
    let key = index(&frag, "Key");
    let dep = frag
        .edges
        .iter()
        .find(|e| e.from.0 == logs && e.to.0 == key && e.route.is_empty())
        .expect("DependsOn edge");
    assert_eq!(dep.attr, None);
    assert_eq!(f.slice(dep.span.expect("span")), "Key");
    // A Sub placeholder's edge points at the placeholder.
    let dyn_edge = frag
        .edges
        .iter()
        .find(|e| e.route == [k("Dyn")] && e.to.0 == key)
        .expect("Sub edge");
    assert_eq!(f.slice(dyn_edge.span.expect("span")), "${Key}");
}

#[test]
fn every_short_tag_has_its_long_form() {
    let tags = [
        ("Ref", "Ref"),
        ("GetAtt", "Fn::GetAtt"),
        ("Sub", "Fn::Sub"),
        ("Join", "Fn::Join"),
        ("If", "Fn::If"),
        ("Select", "Fn::Select"),
        ("Split", "Fn::Split"),
        ("FindInMap", "Fn::FindInMap"),
        ("ImportValue", "Fn::ImportValue"),
        ("Base64", "Fn::Base64"),
        ("Condition", "Condition"),
        ("Equals", "Fn::Equals"),
        ("Not", "Fn::Not"),
        ("And", "Fn::And"),
        ("Or", "Fn::Or"),
        ("GetAZs", "Fn::GetAZs"),
        ("Cidr", "Fn::Cidr"),
        ("Transform", "Fn::Transform"),
    ];
    for (short, long) in tags {
        let text = format!("A: !{short} x\nB: !{short} [x, y]\n");
        let root = raw::parse_yaml(&text).unwrap_or_else(|e| panic!("{}", e.message));
        for key in ["A", "B"] {
            let v = root.get(key).expect("key");
            let (name, arg) = v.intrinsic().expect("an intrinsic");
            assert_eq!(name, long, "!{short}");
            assert_eq!(
                &text[v.span.clone()].split(' ').next(),
                &Some(&*format!("!{short}"))
            );
            if key == "B" {
                assert!(matches!(arg.v, RawVal::Seq(_)));
            }
        }
    }
    // GetAtt's scalar form is split at the first dot, with a span for each half.
    let text = "A: !GetAtt Stack.Outputs.Arn\n";
    let root = raw::parse_yaml(text).unwrap_or_else(|e| panic!("{}", e.message));
    let (_, arg) = root.get("A").and_then(Raw::intrinsic).expect("GetAtt");
    let RawVal::Seq(parts) = &arg.v else {
        panic!("not split")
    };
    assert_eq!(parts[0].as_str(), Some("Stack"));
    assert_eq!(parts[1].as_str(), Some("Outputs.Arn"));
    assert_eq!(&text[parts[0].span.clone()], "Stack");
    assert_eq!(&text[parts[1].span.clone()], "Outputs.Arn");
    // A tagged mapping keeps its entries.
    let text = "A: !Sub\n  - '${X}'\n  - X: 1\n";
    let root = raw::parse_yaml(text).unwrap_or_else(|e| panic!("{}", e.message));
    assert!(root.get("A").and_then(Raw::intrinsic).is_some());
}

const JSON: &str = r#"{
  "Parameters": {"Env": {"Type": "String", "Default": "prod"}},
  "Conditions": {"IsProd": {"Fn::Equals": [{"Ref": "Env"}, "prod"]}},
  "Resources": {
    "Service": {
      "Type": "AWS::ECS::Service",
      "Metadata": {"aws:cdk:path": "App/Service/Service"},
      "DependsOn": "Role",
      "Properties": {
        "Name": "naïve ☃",
        "DeploymentConfiguration": {"DeploymentCircuitBreaker": {"Enable": true, "Rollback": false}},
        "Role": {"Fn::GetAtt": ["Role", "Arn"]},
        "Role2": {"Fn::GetAtt": "Role.Arn"},
        "Tag": {"Fn::Sub": "${Env}-${Role.Arn}"},
        "Mode": {"Fn::If": ["IsProd", "big", {"Ref": "Role"}]}
      }
    },
    "Role": {"Type": "AWS::IAM::Role", "Properties": {}}
  }
}"#;

#[test]
fn json_template_spans_and_values() {
    let (f, frag) = build("cdk.out/App.template.json", JSON);
    let svc = node(&frag, "Service");
    assert_eq!(f.slice(svc.header), "\"Service\"");
    assert!(f.slice(svc.span).starts_with('{'));
    assert_eq!(svc.meta.cdk_path.as_deref(), Some("App/Service/Service"));
    let name = at(svc, &[k("Name")]);
    assert_eq!(name.as_str(), Some("naïve ☃"));
    assert_eq!(text_of(&f, name), "\"naïve ☃\"");
    let rb = at(
        svc,
        &[
            k("DeploymentConfiguration"),
            k("DeploymentCircuitBreaker"),
            k("Rollback"),
        ],
    );
    assert_eq!(rb.val, Val::Bool(false));
    assert_eq!(text_of(&f, rb), "false");
    assert!(at(svc, &[k("Role")]).is_unknown());
    assert_eq!(unknown_expr(at(svc, &[k("Tag")])), "prod-${Role.Arn}");
    assert_eq!(at(svc, &[k("Mode")]).as_str(), Some("big"));
    let e = edges(&frag);
    for want in [
        "Service $ -> Role",
        "Service $.Role -> Role.Arn",
        "Service $.Role2 -> Role.Arn",
        "Service $.Tag -> Role.Arn",
        "Service $.Tag -> Parameters.Env",
        "Service $.Mode -> Role",
    ] {
        assert!(e.contains(&want.to_string()), "missing {want} in {e:#?}");
    }
}

#[test]
fn bom_and_crlf_keep_byte_spans() {
    let yaml = "\u{feff}Resources:\r\n  Q:\r\n    Type: AWS::SQS::Queue\r\n    Properties:\r\n      QueueName: \"é-q\"\r\n      Delay: 5\r\n";
    let (f, frag) = build("t.yaml", yaml);
    let q = node(&frag, "Q");
    assert_eq!(f.slice(q.header), "Q");
    assert_eq!(text_of(&f, at(q, &[k("QueueName")])), "\"é-q\"");
    assert_eq!(text_of(&f, at(q, &[k("Delay")])), "5");
    let pos = f.position(at(q, &[k("Delay")]).span.map(|s| s.start).unwrap_or(0));
    assert_eq!((pos.line, pos.column), (6, 14));

    let json = "\u{feff}{\r\n \"Resources\": {\"Q\": {\"Type\": \"AWS::SQS::Queue\",\r\n \"Properties\": {\"QueueName\": \"é-q\", \"Delay\": 5}}}}";
    let (f, frag) = build("t.json", json);
    let q = node(&frag, "Q");
    assert_eq!(f.slice(q.header), "\"Q\"");
    assert_eq!(text_of(&f, at(q, &[k("QueueName")])), "\"é-q\"");
    assert_eq!(text_of(&f, at(q, &[k("Delay")])), "5");
}

#[test]
fn anchors_and_aliases_are_expanded() {
    let yaml = "Resources:\n  A:\n    Type: AWS::SNS::Topic\n    Properties: &props\n      TopicName: t\n  B:\n    Type: AWS::SNS::Topic\n    Properties: *props\n";
    let (_, frag) = build("t.yaml", yaml);
    let b = node(&frag, "B");
    assert_eq!(at(b, &[k("TopicName")]).as_str(), Some("t"));
}

#[test]
fn only_the_first_yaml_document_is_read() {
    let yaml = "Resources:\n  A:\n    Type: AWS::SNS::Topic\n---\nResources:\n  B:\n    Type: AWS::SNS::Topic\n";
    let (_, frag) = build("t.yaml", yaml);
    assert_eq!(frag.nodes.len(), 1);
}

#[test]
fn invalid_json_is_a_located_error() {
    let (f, e) = build_err("t.json", "{\n  \"Resources\": {\n    \"A\": ,\n  }\n}");
    let pos = f.position(e.span.expect("span").start);
    assert_eq!(pos.line, 3, "{}", e.message);
    assert!(e.message.contains("invalid JSON"), "{}", e.message);
}

#[test]
fn invalid_yaml_is_a_located_error() {
    let (f, e) = build_err("t.yaml", "Resources:\n  A:\n    Type: [unclosed\n");
    assert!(e.message.contains("invalid YAML"), "{}", e.message);
    let pos = f.position(e.span.expect("span").start);
    assert!(pos.line >= 3, "{pos:?} {}", e.message);
    let (f, e) = build_err("t.yaml", "Resources:\n  A: b\n c: d\n");
    assert!(e.message.contains("invalid YAML"), "{}", e.message);
    assert_eq!(f.position(e.span.expect("span").start).line, 3);
}

#[test]
fn resources_that_is_not_a_mapping_is_an_error() {
    let (f, e) = build_err("t.yaml", "Resources: [1, 2]\n");
    assert!(e.message.contains("must be a mapping"), "{}", e.message);
    let span = e.span.expect("span");
    assert_eq!(f.slice(span), "[1, 2]");
    assert_eq!(f.position(span.start).column, 12);
}

#[test]
fn resource_without_type_is_an_error() {
    let (f, e) = build_err("t.yaml", "Resources:\n  Bucket:\n    Properties: {}\n");
    assert!(
        e.message.contains("`Bucket` has no string `Type`"),
        "{}",
        e.message
    );
    let span = e.span.expect("span");
    assert_eq!(f.slice(span), "Bucket");
    assert_eq!(f.position(span.start).line, 2);
    let (_, e) = build_err("t.json", r#"{"Resources": {"B": {"Type": 3}}}"#);
    assert!(e.message.contains("no string `Type`"), "{}", e.message);
}

#[test]
fn billion_laughs_stops_at_the_alias_limit() {
    let mut yaml = String::from("a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for i in 1..=9 {
        let prev = format!("*a{}", i - 1);
        let items = [prev.as_str(); 9].join(", ");
        yaml.push_str(&format!("a{i}: &a{i} [{items}]\n"));
    }
    yaml.push_str("Resources:\n  X:\n    Type: AWS::SNS::Topic\n    Properties: {P: *a9}\n");
    // Not timed (that flakes under load): the work is what is bounded. Each `*a4` expands to
    // 9^5 = 59 049 values, so the second one on a5's line crosses the 100 000 default and the
    // load stops there, before a6..a9 (9^10 values) are looked at.
    let (f, e) = build_err("t.yaml", &yaml);
    assert!(e.message.contains("billion laughs"), "{}", e.message);
    assert!(
        e.message.contains("more than 100000 values"),
        "{}",
        e.message
    );
    let span = e.span.expect("located");
    assert_eq!(f.position(span.start).line, 6, "{}", &yaml[span.start..]);
    assert_eq!(&yaml[span.start..span.start + 3], "*a4");
    // The sniffer does not expand aliases at all.
    let _ = looks_like_template("t.yaml", &yaml);
}

#[test]
fn deep_nesting_fails_cleanly() {
    let deep_json = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    let (_, e) = build_err("t.json", &deep_json);
    assert!(e.message.contains("deeper than"), "{}", e.message);
    let deep_flow = format!("a: {}{}", "[".repeat(10_000), "]".repeat(10_000));
    let (_, e) = build_err("t.yaml", &deep_flow);
    assert!(e.message.contains("nested deeper than"), "{}", e.message);
    let mut block = String::new();
    for i in 0..10_000 {
        block.push_str(&" ".repeat(i));
        block.push_str("k:\n");
    }
    let (_, e) = build_err("t.yaml", &block);
    assert!(e.message.contains("nested deeper than"), "{}", e.message);
    assert!(!looks_like_template("t.json", &deep_json));
}

#[test]
fn ssm_parameter_defaults_and_condition_cycles_are_unknown() {
    let yaml = "\
Parameters:
  Ami:
    Type: AWS::SSM::Parameter::Value<String>
    Default: /aws/ami
Conditions:
  A: !Condition B
  B: !Not [!Condition A]
Resources:
  I:
    Type: AWS::EC2::Instance
    Properties:
      ImageId: !Ref Ami
      X: !If [A, 1, 2]
";
    let (_, frag) = build("t.yaml", yaml);
    let i = node(&frag, "I");
    assert!(at(i, &[k("ImageId")]).is_unknown());
    assert!(at(i, &[k("X")]).is_unknown());
}

#[test]
fn sniffing_templates() {
    let yes = [
        (
            "t.yaml",
            "AWSTemplateFormatVersion: '2010-09-09'\nResources: {}\n",
        ),
        ("t.yml", "Resources:\n  B:\n    Type: AWS::S3::Bucket\n"),
        (
            "sam.yaml",
            "Transform: AWS::Serverless-2016-10-31\nResources:\n  F:\n    Type: AWS::Serverless::Function\n",
        ),
        (
            "cdk.out/MyStack.template.json",
            r#"{"Resources": {"B": {"Type": "AWS::S3::Bucket"}}, "Parameters": {"BootstrapVersion": {"Type": "AWS::SSM::Parameter::Value<String>"}}}"#,
        ),
        (
            "x.template",
            "{\"AWSTemplateFormatVersion\": \"2010-09-09\"}",
        ),
        (
            "x.template",
            "Resources:\n  B: {Type: !Sub 'AWS::S3::Bucket'}\n  C:\n    Type: AWS::SNS::Topic\n",
        ),
    ];
    for (path, text) in yes {
        assert!(looks_like_template(path, text), "{path}: {text}");
    }
    let no = [
        (
            "package.json",
            r#"{"name": "app", "dependencies": {"aws-cdk-lib": "2.0.0"}}"#,
        ),
        (
            "deploy.yaml",
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: x\nspec:\n  template:\n    metadata:\n      annotations:\n        Resources: AWS::S3::Bucket\n",
        ),
        (
            ".github/workflows/ci.yml",
            "on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo Resources AWS::S3\n",
        ),
        (
            "cdk.out/manifest.json",
            r#"{"version": "36.0.0", "artifacts": {"MyStack": {"type": "aws:cloudformation:stack", "properties": {"templateFile": "MyStack.template.json"}, "metadata": {"/MyStack/B/Resource": [{"type": "aws:cdk:logicalId", "data": "B"}]}}}, "Resources": "AWS::none"}"#,
        ),
        (
            "cdk.out/tree.json",
            r#"{"version": "tree-0.1", "tree": {"id": "App", "children": {"MyStack": {"attributes": {"aws:cdk:cloudformation:type": "AWS::S3::Bucket"}, "Resources": {}}}}}"#,
        ),
        (
            "t.yaml",
            "Resources:\n  B:\n    Properties:\n      Type: AWS::S3::Bucket\n",
        ),
        ("t.yaml", "Resources: [AWS::S3::Bucket]\n"),
    ];
    for (path, text) in no {
        assert!(!looks_like_template(path, text), "{path}: {text}");
    }
    // A truncated template is still a template: its syntax error must be reported, not skipped.
    assert!(looks_like_template(
        "t.json",
        "{\"Resources\": {\"B\": {\"Type\": \"AWS::S3::Bucket\"}"
    ));
}

#[test]
fn policies_are_extracted_from_templates() {
    let yaml = "\
Resources:
  Boundary:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      PolicyDocument:
        Version: '2012-10-17'
        Statement:
          - Effect: Allow
            Action: 'ec2:*'
            Resource: '*'
  Attached:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      PolicyDocument:
        Statement: [{Effect: Allow, Action: 's3:GetObject', Resource: '*'}]
  Role:
    Type: AWS::IAM::Role
    Properties:
      PermissionsBoundary: !Ref Boundary
      ManagedPolicyArns: [!Ref Attached]
      AssumeRolePolicyDocument:
        Statement: [{Effect: Allow, Principal: {Service: lambda.amazonaws.com}, Action: 'sts:AssumeRole'}]
      Policies:
        - PolicyName: inline
          PolicyDocument:
            Statement: [{Effect: Allow, Action: 'logs:*', Resource: '*'}]
  Inline:
    Type: AWS::IAM::Policy
    Properties:
      PolicyDocument: {Statement: [{Effect: Allow, Action: '*', Resource: '*'}]}
  User:
    Type: AWS::IAM::User
    Properties:
      Policies: [{PolicyName: p, PolicyDocument: {Statement: [{Effect: Allow, Action: 'iam:*', Resource: '*'}]}}]
  Group:
    Type: AWS::IAM::Group
    Properties:
      Policies: [{PolicyName: p, PolicyDocument: {Statement: [{Effect: Allow, Action: 'iam:*', Resource: '*'}]}}]
  Key:
    Type: AWS::KMS::Key
    Properties:
      KeyPolicy: {Statement: [{Effect: Allow, Principal: {AWS: '*'}, Action: 'kms:*', Resource: '*'}]}
  QP:
    Type: AWS::SQS::QueuePolicy
    Properties:
      PolicyDocument: {Statement: [{Effect: Allow, Principal: '*', Action: 'sqs:*', Resource: '*'}]}
  TP:
    Type: AWS::SNS::TopicPolicy
    Properties:
      PolicyDocument: {Statement: [{Effect: Allow, Principal: '*', Action: 'sns:*', Resource: '*'}]}
  BP:
    Type: AWS::S3::BucketPolicy
    Properties:
      PolicyDocument: {Statement: [{Effect: Allow, Principal: '*', Action: 's3:*', Resource: '*'}]}
";
    let (_, frag) = build("t.yaml", yaml);
    let mut gb = GraphBuilder::new();
    gb.add(frag);
    let graph = gb.finish();
    let mut got: Vec<String> = extract(&graph)
        .iter()
        .map(|d| {
            format!(
                "{} {} {}",
                graph.node(d.owner).address,
                route_to_string(&d.route),
                d.kind.as_str()
            )
        })
        .collect();
    got.sort();
    let mut want = vec![
        "Attached $.PolicyDocument identity",
        "BP $.PolicyDocument resource",
        "Boundary $.PolicyDocument boundary",
        "Group $.Policies[0].PolicyDocument identity",
        "Inline $.PolicyDocument identity",
        "Key $.KeyPolicy key",
        "QP $.PolicyDocument resource",
        "Role $.AssumeRolePolicyDocument trust",
        "Role $.Policies[0].PolicyDocument identity",
        "TP $.PolicyDocument resource",
        "User $.Policies[0].PolicyDocument identity",
    ];
    want.sort();
    assert_eq!(got, want);
    assert!(
        extract(&graph)
            .iter()
            .all(|d| d.kind != PolicyKind::Boundary || graph.node(d.owner).address == "Boundary")
    );
}

#[test]
fn managed_policy_attached_by_its_own_roles_is_identity() {
    let yaml = "\
Resources:
  P:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      Roles: [!Ref R]
      PolicyDocument: {Statement: [{Effect: Allow, Action: 's3:*', Resource: '*'}]}
  R:
    Type: AWS::IAM::Role
    Properties:
      PermissionsBoundary: !Ref P
";
    let (_, frag) = build("t.yaml", yaml);
    let mut gb = GraphBuilder::new();
    gb.add(frag);
    let graph = gb.finish();
    let docs = extract(&graph);
    assert_eq!(docs.len(), 1);
    assert_eq!(docs[0].kind, PolicyKind::Identity);
}

#[test]
fn malformed_templates_are_still_sniffed_so_their_errors_are_reported() {
    assert!(looks_like_template(
        "t.json",
        r#"{"AWSTemplateFormatVersion": "2010-09-09", "Resources": [1, 2]}"#
    ));
    assert!(looks_like_template(
        "t.json",
        r#"{"Resources": {"Odd": 3, "B": {"Type": "AWS::S3::Bucket"}}}"#
    ));
    assert!(looks_like_template(
        "t.yaml",
        "AWSTemplateFormatVersion: '2010-09-09'\nResources: [1, 2]\n"
    ));
}

#[test]
fn foreach_loops_are_skipped_not_errors() {
    let yaml = "\
Transform: AWS::LanguageExtensions
Resources:
  Fn::ForEach::Topics:
    - Name
    - [a, b]
    - Topic${Name}:
        Type: AWS::SNS::Topic
  Real:
    Type: AWS::SNS::Topic
";
    let (_, frag) = build("t.yaml", yaml);
    assert_eq!(frag.nodes.len(), 1);
}

#[test]
fn exponential_string_building_is_bounded() {
    // Each level doubles a parameter default through Sub; the budget makes the tail unknown.
    let big = "x".repeat(1 << 20);
    let mut yaml = format!("Parameters:\n  P:\n    Type: String\n    Default: {big}\nResources:\n");
    for i in 0..400 {
        yaml.push_str(&format!(
            "  R{i}:\n    Type: AWS::SNS::Topic\n    Properties:\n      A: !Sub '${{P}}${{P}}${{P}}${{P}}'\n"
        ));
    }
    let (_, frag) = build("t.yaml", &yaml);
    let last = node(&frag, "R399");
    assert!(at(last, &[k("A")]).is_unknown());
    let first = node(&frag, "R0");
    assert_eq!(at(first, &[k("A")]).as_str().map(str::len), Some(4 << 20));
}

#[test]
fn collection_spans_cover_their_text() {
    let yaml = "\
Resources:
  T:
    Type: AWS::SNS::Topic
    Properties:
      Flow: [a, !Ref AWS::NoValue, c]
      Map: {A: 1, B: [x]}
      Block:
        - one
        - two: 2
      Tagged: !Join
        - ','
        - [p, q]
      Lit: |
        text
";
    let (f, frag) = build("t.yaml", yaml);
    let t = node(&frag, "T");
    assert_eq!(
        text_of(&f, at(t, &[k("Flow")])),
        "[a, !Ref AWS::NoValue, c]"
    );
    assert_eq!(text_of(&f, at(t, &[k("Map")])), "{A: 1, B: [x]}");
    assert_eq!(text_of(&f, at(t, &[k("Map"), k("B")])), "[x]");
    assert_eq!(text_of(&f, at(t, &[k("Block")])), "- one\n        - two: 2");
    assert_eq!(
        text_of(&f, at(t, &[k("Tagged")])),
        "!Join\n        - ','\n        - [p, q]"
    );
    assert_eq!(at(t, &[k("Tagged")]).as_str(), Some("p,q"));
    assert_eq!(at(t, &[k("Lit")]).as_str(), Some("text\n"));
    assert!(f.slice(t.attrs.span.expect("span")).starts_with("Flow:"));
}

fn in_file(f: &SourceFile, s: Span) -> bool {
    s.start <= s.end
        && s.end <= f.text.len()
        && f.text.is_char_boundary(s.start)
        && f.text.is_char_boundary(s.end)
}

const TOKENS: &[&str] = &[
    "Resources:",
    "\n",
    "\r\n",
    "  ",
    "    ",
    "A:",
    "B: ",
    "Type: AWS::S3::Bucket",
    "Properties:",
    "Parameters:\n  P: {Type: String, Default: é}\n",
    "Conditions:\n  C: !Equals [!Ref P, é]\n",
    "!Ref ",
    "!GetAtt ",
    "A.Arn",
    "!Sub ",
    "'${A}-${P}-${!x}'",
    "!If [C, !Ref A, !Ref AWS::NoValue]",
    "!Join [',', [!Ref P, x]]",
    "!Select [0, !Split [',', 'a,b']]",
    "!FindInMap [M, !Ref P, k]",
    "[",
    "]",
    "{",
    "}",
    ",",
    ": ",
    "- ",
    "&a ",
    "*a",
    "é",
    "☃",
    "\"",
    "'",
    "\u{feff}",
    "#c",
    "---",
    "{\"Resources\": {\"A\": {\"Type\": \"AWS::S3::Bucket\", \"Properties\": {",
    "\"K\": {\"Fn::Sub\": \"${A.Arn}\"}",
    "\"Ref\": \"A\"",
    "}}}}",
];

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(400))]

    /// Arbitrary token soup never panics, and every span lies inside the file on char boundaries.
    #[test]
    fn spans_stay_inside_the_file(
        parts in proptest::collection::vec(proptest::sample::select(TOKENS), 0..48),
        json in proptest::bool::ANY,
    ) {
        let text: String = parts.concat();
        let path = if json { "t.json" } else { "t.yaml" };
        let f = file(path, &text);
        let _ = looks_like_template(path, &text);
        match build_template(FileId(0), &f) {
            Ok(frag) => {
                for n in &frag.nodes {
                    proptest::prop_assert!(in_file(&f, n.span) && in_file(&f, n.header));
                    let mut ok = true;
                    n.attrs.walk(&mut |_, v| ok &= v.span.is_none_or(|s| in_file(&f, s)));
                    proptest::prop_assert!(ok);
                }
                for e in &frag.edges {
                    proptest::prop_assert!(e.span.is_none_or(|s| in_file(&f, s)));
                    proptest::prop_assert!((e.to.0 as usize) < frag.nodes.len());
                }
            }
            Err(e) => {
                proptest::prop_assert!(e.span.is_some_and(|s| in_file(&f, s)), "{:?}", e);
            }
        }
    }
}

#[test]
fn join_of_a_megabyte_parameter_300_times_is_refused_before_it_is_built() {
    // Used to build a 300 MB string (1 GB peak) per template: 16 such files aborted the process.
    let big = "a".repeat(1 << 20);
    let refs = vec![r#"{"Ref": "Big"}"#; 300].join(", ");
    let json = format!(
        r#"{{"Parameters": {{"Big": {{"Type": "String", "Default": "{big}"}}}},
"Resources": {{"B": {{"Type": "AWS::S3::Bucket", "Properties": {{
  "BucketName": {{"Fn::Join": ["", [{refs}]]}},
  "Small": {{"Fn::Join": ["-", ["a", "b"]]}}}}}}}}}}"#
    );
    let (f, frag) = build("t.json", &json);
    let b = node(&frag, "B");
    assert!(at(b, &[k("BucketName")]).is_unknown());
    // The rest of the template is still evaluated.
    assert_eq!(at(b, &[k("Small")]).as_str(), Some("a-b"));
    let [d] = frag.diagnostics.as_slice() else {
        panic!("{:?}", frag.diagnostics)
    };
    // Reported where it was hit: the `Ref` whose copy went over the per-template byte budget.
    assert!(d.message.contains("limit `eval-bytes`"), "{}", d.message);
    let span = d.span.expect("located");
    assert_eq!(f.position(span.start).line, 3);
}

#[test]
fn exponential_merge_keys_are_refused_at_the_alias_limit() {
    // Each level merges the previous one twice: 2^30 values if expanded. The work is counted
    // before each copy, and refused at `yaml-alias-values`, not at a million values.
    let mut yaml = String::from("a0: &a0 {x0: 1, y0: 2}\n");
    for i in 1..=30 {
        yaml.push_str(&format!(
            "a{i}: &a{i}\n  <<: *a{p}\n  m{i}: *a{p}\n  n{i}: *a{p}\n",
            p = i - 1
        ));
    }
    yaml.push_str("Resources:\n  X:\n    Type: AWS::SNS::Topic\n    Properties: {P: *a30}\n");
    let (f, e) = build_err("t.yaml", &yaml);
    assert!(
        e.message.contains("limit `yaml-alias-values`"),
        "{}",
        e.message
    );
    let span = e.span.expect("located");
    assert!(f.slice(span).starts_with('*'), "{}", f.slice(span));
}

// ---------------------------------------------------------------- what unknowns know

fn shape(v: &Spanned) -> &crate::value::Shape {
    match &v.val {
        Val::Unknown(u) => u.shape(),
        other => panic!("expected an unknown, got {other:?}"),
    }
}

#[test]
fn unknowns_know_attributes_templates_and_account_roots() {
    use crate::value::{Part, Shape};
    let (_, frag) = build(
        "t.yaml",
        r#"
Parameters:
  Env: {Type: String}
Resources:
  Bucket: {Type: AWS::S3::Bucket}
  Probe:
    Type: AWS::SQS::Queue
    Properties:
      Short: !GetAtt Bucket.Arn
      Long: {"Fn::GetAtt": ["Bucket", "Arn"]}
      Objects: !Sub "${Bucket.Arn}/*"
      Named: !Sub ["${B}/x", {B: !GetAtt Bucket.Arn}]
      Escaped: !Sub "${!Literal}-${Env}"
      SubRoot: !Sub "arn:${AWS::Partition}:iam::${AWS::AccountId}:root"
      JoinRoot: {"Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"}, ":iam::", {"Ref": "AWS::AccountId"}, ":root"]]}
      Joined: !Join ["/", [!GetAtt Bucket.Arn, "*"]]
      Pseudo: !Ref AWS::AccountId
      Param: !Ref Env
      Ref: !Ref Bucket
      Imported: !ImportValue Shared
"#,
    );
    let p = node(&frag, "Probe");
    let get = |name: &str| at(p, &[k(name)]);
    let arn = Shape::Attribute {
        owner: "Bucket".into(),
        name: "Arn".into(),
    };
    assert_eq!(shape(get("Short")), &arn);
    assert_eq!(shape(get("Long")), &arn);
    let objects = Shape::Template(vec![Part::Hole(arn.clone()), Part::Lit("/*".into())]);
    assert_eq!(shape(get("Objects")), &objects);
    assert_eq!(
        shape(get("Named")),
        &Shape::Template(vec![Part::Hole(arn.clone()), Part::Lit("/x".into())])
    );
    assert_eq!(
        shape(get("Escaped")),
        &Shape::Template(vec![
            Part::Lit("${Literal}-".into()),
            Part::Hole(Shape::Opaque)
        ])
    );
    assert!(shape(get("SubRoot")).is_account_root());
    assert!(shape(get("JoinRoot")).is_account_root());
    assert_eq!(unknown_expr(get("Objects")), "${Bucket.Arn}/*");
    assert_eq!(shape(get("Joined")), &objects);
    for name in ["Pseudo", "Param", "Ref", "Imported"] {
        assert_eq!(shape(get(name)), &Shape::Opaque, "{name}");
    }
}
