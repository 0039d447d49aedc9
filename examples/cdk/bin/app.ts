#!/usr/bin/env node
// iaclint example app: two stacks with the same constructs under the same ids.
// BadStack carries the seed-002 deployment failures plus the ECS and IAM findings;
// FixedStack is the same app with each problem corrected.
//
// The environment is explicit and nothing is looked up (no Vpc.fromLookup, explicit
// availability zones), so `cdk synth` needs neither AWS credentials nor network access.
import * as cdk from 'aws-cdk-lib';
import { BadStack } from '../lib/bad-stack';
import { FixedStack } from '../lib/fixed-stack';

const env = { account: '111122223333', region: 'us-east-2' };

// No creation stack traces in cdk.out/*.metadata.json: they hold absolute paths of the
// machine that ran the synth, and the synthesized output is committed.
const app = new cdk.App({
  stackTraces: false,
  context: { 'aws:cdk:disable-creation-stack-traces': true },
});

new BadStack(app, 'BadStack', {
  env,
  description: 'iaclint example: seed 002 (KMS key without the CloudWatch Logs principal, VPC Lambda boundary without ENI actions), ECS service without rollback/autoscaling, Action "*"',
});

new FixedStack(app, 'FixedStack', {
  env,
  description: 'iaclint example: BadStack with every finding fixed',
});
