// BadStack: every problem iaclint must report. lib/fixed-stack.ts is the same file with
// the problems fixed; `diff lib/bad-stack.ts lib/fixed-stack.ts` shows only the fixes.
// Construct ids are identical in both stacks, so the CloudFormation logical ids are too.
import * as cdk from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

export class BadStack extends cdk.Stack {
  constructor(scope: Construct, id: string, props?: cdk.StackProps) {
    super(scope, id, props);

    // ---------------------------------------------------------------------------------
    // Network: a VPC created here, not looked up. The availability zones of us-east-2
    // come from cdk.json's context, so synth makes no AWS call.
    // ---------------------------------------------------------------------------------
    const vpc = new ec2.Vpc(this, 'Vpc', {
      ipAddresses: ec2.IpAddresses.cidr('10.20.0.0/16'),
      maxAzs: 2,
      natGateways: 1,
      restrictDefaultSecurityGroup: false,
      subnetConfiguration: [
        { name: 'public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24 },
        { name: 'private', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 24 },
      ],
    });

    const dataBucket = new s3.Bucket(this, 'DataBucket', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      versioned: true,
    });

    // ---------------------------------------------------------------------------------
    // Seed 002, failure 1: a customer managed key encrypts the Lambda's log group, but
    // the key policy grants only the account root (CDK's default) and Lambda for S3.
    // CloudWatch Logs is not allowed to use the key, so creating the log group fails:
    // "The specified KMS key does not exist or is not allowed to be used with Arn ...".
    // ---------------------------------------------------------------------------------
    const encryptionKey = new kms.Key(this, 'EncryptionKey', {
      description: 'Data and log encryption key for the data processor',
      enableKeyRotation: true,
      removalPolicy: cdk.RemovalPolicy.DESTROY,
      pendingWindow: cdk.Duration.days(7),
    });
    encryptionKey.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowLambdaViaS3',
        effect: iam.Effect.ALLOW,
        principals: [new iam.ServicePrincipal('lambda.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
        resources: ['*'],
        conditions: {
          StringEquals: { 'kms:ViaService': `s3.${this.region}.amazonaws.com` },
        },
      }),
    );
    // BAD: no statement for the logs.<region>.amazonaws.com service principal.

    const processorLogGroup = new logs.LogGroup(this, 'ProcessorLogGroup', {
      logGroupName: '/aws/lambda/data-processor',
      encryptionKey,
      retention: logs.RetentionDays.THREE_MONTHS,
      removalPolicy: cdk.RemovalPolicy.DESTROY,
    });

    // ---------------------------------------------------------------------------------
    // Seed 002, failure 2: the Lambda runs in the VPC, but the permissions boundary of its
    // role allows only S3, Logs, KMS and X-Ray. Lambda cannot create the function's
    // network interfaces: "The provided execution role does not have permissions to call
    // CreateNetworkInterface on EC2".
    // ---------------------------------------------------------------------------------
    const processorBoundary = new iam.ManagedPolicy(this, 'ProcessorBoundary', {
      description: 'Permissions boundary for the data processor Lambda role',
      statements: [
        new iam.PolicyStatement({
          sid: 'AllowedS3',
          effect: iam.Effect.ALLOW,
          actions: ['s3:GetObject', 's3:PutObject', 's3:ListBucket'],
          resources: [dataBucket.bucketArn, dataBucket.arnForObjects('*')],
        }),
        new iam.PolicyStatement({
          sid: 'AllowedLogs',
          effect: iam.Effect.ALLOW,
          actions: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'],
          resources: [`arn:aws:logs:${this.region}:${this.account}:log-group:/aws/lambda/data-processor:*`],
        }),
        new iam.PolicyStatement({
          sid: 'AllowedKms',
          effect: iam.Effect.ALLOW,
          actions: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey'],
          resources: [encryptionKey.keyArn],
        }),
        new iam.PolicyStatement({
          sid: 'AllowedTracing',
          effect: iam.Effect.ALLOW,
          actions: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'],
          resources: ['*'],
        }),
        // BAD: no ec2:CreateNetworkInterface, ec2:DescribeNetworkInterfaces,
        // ec2:DeleteNetworkInterface, ec2:AssignPrivateIpAddresses,
        // ec2:UnassignPrivateIpAddresses.
      ],
    });

    const processorRole = new iam.Role(this, 'ProcessorRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'Execution role of the data processor Lambda',
      permissionsBoundary: processorBoundary,
      managedPolicies: [
        iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AWSLambdaVPCAccessExecutionRole'),
      ],
    });

    new iam.Policy(this, 'ProcessorPolicy', {
      roles: [processorRole],
      statements: [
        new iam.PolicyStatement({
          sid: 'ReadWriteData',
          actions: ['s3:GetObject', 's3:PutObject'],
          resources: [dataBucket.arnForObjects('*')],
        }),
        new iam.PolicyStatement({
          sid: 'UseEncryptionKey',
          actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
          resources: [encryptionKey.keyArn],
        }),
      ],
    });

    new lambda.Function(this, 'Processor', {
      functionName: 'data-processor',
      description: 'Processes uploaded data batches',
      runtime: lambda.Runtime.PYTHON_3_13,
      architecture: lambda.Architecture.X86_64,
      handler: 'index.handler',
      code: lambda.Code.fromInline(
        'import json\n\ndef handler(event, context):\n    return {"statusCode": 200, "body": json.dumps({"ok": True})}\n',
      ),
      role: processorRole,
      vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      logGroup: processorLogGroup,
      tracing: lambda.Tracing.ACTIVE,
      memorySize: 512,
      timeout: cdk.Duration.seconds(60),
      environment: { DATA_BUCKET: dataBucket.bucketName },
    });

    // ---------------------------------------------------------------------------------
    // Seed 001: an ECS Fargate service with no deployment circuit breaker (a failed
    // deployment is never rolled back) and nothing that scales it.
    // ---------------------------------------------------------------------------------
    const cluster = new ecs.Cluster(this, 'Cluster', { vpc });

    const taskDefinition = new ecs.FargateTaskDefinition(this, 'ApiTask', {
      cpu: 512,
      memoryLimitMiB: 1024,
    });
    taskDefinition.addContainer('api', {
      image: ecs.ContainerImage.fromRegistry('public.ecr.aws/nginx/nginx:1.27'),
      portMappings: [{ containerPort: 80 }],
      essential: true,
    });

    new ecs.FargateService(this, 'ApiService', {
      cluster,
      taskDefinition,
      desiredCount: 2,
      minHealthyPercent: 100,
      maxHealthyPercent: 200,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      assignPublicIp: false,
      // BAD: no circuitBreaker, so a failed deployment is never rolled back.
    });
    // BAD: no autoScaleTaskCount(...) for the service.

    // ---------------------------------------------------------------------------------
    // Seeds 000/004: the task role may do anything to anything.
    // ---------------------------------------------------------------------------------
    new iam.Policy(this, 'ApiRuntimePolicy', {
      roles: [taskDefinition.taskRole],
      statements: [
        new iam.PolicyStatement({
          sid: 'Runtime',
          effect: iam.Effect.ALLOW,
          actions: ['*'], // BAD: every action ...
          resources: ['*'], // BAD: ... on every resource
        }),
      ],
    });
  }
}
