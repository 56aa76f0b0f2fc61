//! Whole-template behaviour on small inline templates: conditions dropping resources, Globals,
//! implicit SAM resources, the not-emulated list and the errors that name a path.

use localcloud_template::{LoadOptions, Model, Resource, TemplateError};

fn load(yaml: &str) -> Result<Model, TemplateError> {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("asl.json"),
        r#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "Result": "${Table}", "End": true}}}"#,
    )
    .expect("write");
    Model::from_str(yaml, dir.path(), &LoadOptions::default())
}

const TABLE: &str = "
  T:
    Type: AWS::DynamoDB::Table
    Properties:
      KeySchema: [{AttributeName: pk, KeyType: HASH}]
      AttributeDefinitions: [{AttributeName: pk, AttributeType: S}]
      BillingMode: PAY_PER_REQUEST
";

#[test]
fn a_property_that_changes_behaviour_is_an_error_with_its_path() {
    let yaml =
        format!("Resources:{TABLE}      ContributorInsightsSpecification: {{Enabled: true}}\n");
    let err = load(&yaml).expect_err("unsupported");
    assert!(
        matches!(&err, TemplateError::UnsupportedProperty { path } if path == "Resources.T.Properties.ContributorInsightsSpecification"),
        "{err}"
    );
}

#[test]
fn unknown_type_is_an_error_and_irrelevant_types_are_listed() {
    let err = load("Resources:\n  Q:\n    Type: AWS::Kinesis::Stream\n").expect_err("unknown");
    assert_eq!(
        err.to_string(),
        "Resources.Q.Type: resource type `AWS::Kinesis::Stream` is not known to the local cloud"
    );
    let model = load(&format!(
        "Resources:{TABLE}  Role:\n    Type: AWS::IAM::Role\n    Properties:\n      Arn: !GetAtt T.Arn\n"
    ))
    .expect("loads");
    assert_eq!(model.not_emulated.len(), 1);
    assert_eq!(model.not_emulated[0].logical_id, "Role");
    assert_eq!(model.resources.len(), 1);
}

#[test]
fn false_conditions_drop_resources_and_refs_to_them_fail() {
    let yaml = format!(
        "Parameters:\n  Env: {{Type: String, Default: dev}}\nConditions:\n  IsProd: !Equals [!Ref Env, prod]\nResources:{TABLE}    Condition: IsProd\n"
    );
    let model = load(&yaml).expect("loads");
    assert!(model.resources.is_empty(), "the table is dropped");
    let with_ref = format!("{yaml}Outputs:\n  Name:\n    Value: !Ref T\n");
    assert!(matches!(
        load(&with_ref),
        Err(TemplateError::UnresolvedRef { .. })
    ));
    let guarded = format!("{yaml}Outputs:\n  Name:\n    Condition: IsProd\n    Value: !Ref T\n");
    assert!(load(&guarded).expect("loads").outputs.is_empty());
}

#[test]
fn globals_state_machine_substitutions_and_implicit_alias() {
    let yaml = format!(
        "Transform: AWS::Serverless-2016-10-31
Globals:
  Function:
    Runtime: provided.al2023
    Handler: bootstrap
    Environment: {{Variables: {{A: global, B: global}}}}
Resources:{TABLE}  F:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: fn/
      AutoPublishAlias: live
      Environment: {{Variables: {{B: !Ref T}}}}
  M:
    Type: AWS::Serverless::StateMachine
    Properties:
      Type: EXPRESS
      DefinitionUri: asl.json
      DefinitionSubstitutions:
        Table: !Ref T
Outputs:
  Alias: {{Value: !Ref F.Alias}}
  AliasById: {{Value: !Ref FAliaslive}}
  Role: {{Value: !GetAtt FRole.Arn}}
"
    );
    let model = load(&yaml).expect("loads");
    let f = model.functions().next().expect("function");
    assert_eq!(f.environment["A"], "global");
    let table = &model.tables().next().expect("table").table_name;
    assert!(table.starts_with("local-T-"), "{table}");
    assert_eq!(
        &f.environment["B"], table,
        "the resource's variable wins over the global one"
    );
    assert_eq!(model.outputs["Alias"], model.outputs["AliasById"]);
    assert!(model.outputs["Role"]
        .as_str()
        .is_some_and(|r| r.starts_with("arn:aws:iam::000000000000:role/local-FRole-")));
    let Some(Resource::StateMachine(sm)) = model.get("M") else {
        panic!("state machine");
    };
    assert_eq!(
        sm.definition["States"]["A"]["Result"].as_str(),
        Some(table.as_str())
    );
}

#[test]
fn section_level_errors() {
    assert!(matches!(
        load(&format!(
            "Globals:\n  Function: {{Timeout: 3}}\nResources:{TABLE}"
        )),
        Err(TemplateError::Malformed { .. })
    ));
    assert!(matches!(
        load(&format!(
            "Transform: AWS::LanguageExtensions\nResources:{TABLE}"
        )),
        Err(TemplateError::UnsupportedTransform { .. })
    ));
    assert!(matches!(
        load(&format!("Rules: {{}}\nResources:{TABLE}")),
        Err(TemplateError::UnsupportedProperty { .. })
    ));
    assert!(matches!(
        load(&format!("Resources:{TABLE}    DependsOn: Nope\n")),
        Err(TemplateError::UnresolvedRef { .. })
    ));
    assert!(matches!(
        load(&format!(
            "Resources:{TABLE}Outputs:\n  X: {{Value: !ImportValue other}}\n"
        )),
        Err(TemplateError::UnsupportedIntrinsic { .. })
    ));
    let err = load(&format!(
        "Resources:{TABLE}  F:\n    Type: AWS::Serverless::Function\n    Properties:\n      Runtime: provided.al2023\n      CodeUri: x\n      Events:\n        E: {{Type: Kinesis, Properties: {{Stream: s}}}}\n"
    ))
    .expect_err("event type");
    assert!(
        err.to_string()
            .starts_with("Resources.F.Properties.Events.E.Type:"),
        "{err}"
    );
}

#[test]
fn an_explicit_function_name_is_the_function_name() {
    let yaml = "Resources:
  F:
    Type: AWS::Serverless::Function
    Properties:
      FunctionName: my-own-name
      Runtime: provided.al2023
      Handler: bootstrap
      CodeUri: .
";
    let model = load(yaml).expect("FunctionName is accepted");
    let f = model.functions().next().expect("the function");
    assert_eq!(f.function_name, "my-own-name");
    assert!(f.arn.ends_with(":function:my-own-name"), "{}", f.arn);
}
