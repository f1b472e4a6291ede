import { LambdaInvocation } from "@cdktf/provider-aws/lib/lambda-invocation";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { S3BucketLoggingA } from "@cdktf/provider-aws/lib/s3-bucket-logging";
import { S3BucketOwnershipControls } from "@cdktf/provider-aws/lib/s3-bucket-ownership-controls";
import { S3BucketPolicy } from "@cdktf/provider-aws/lib/s3-bucket-policy";
import { S3BucketPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-bucket-public-access-block";
import { S3BucketServerSideEncryptionConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration";
import { S3BucketVersioningA } from "@cdktf/provider-aws/lib/s3-bucket-versioning";
import { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import { PublishJwksInput } from "../functions/rotate-secret/contract";
import { AwsEnv, prefix } from "../lib/aws-env";
import { policyDocument } from "../lib/iam";
import { suppress } from "../lib/resource-meta";
import { JOSE_CACHE_MAX_AGE_SECONDS } from "../functions/rotate-secret/contract";
import { S3_ACCESS_LOGS_PREFIX } from "./audit-logs";
import { Network } from "./network";
import { VpcFunction } from "./vpc-function";

/** How long a tier may keep using a key set it fetched (functions/rotate-secret/contract.ts, JOSE_CACHE_MAX_AGE_SECONDS). */
export const JWKS_CACHE_MAX_AGE_MS = JOSE_CACHE_MAX_AGE_SECONDS * 1000;

/** Where the key set lives in the bucket: the issuer's `/.well-known/jwks.json`, upstream's derived default. */
export const JWKS_OBJECT_KEY = ".well-known/jwks.json";

export interface JwksBucketProps {
  readonly env: AwsEnv;
  /** Its S3 gateway endpoint is the only way anyone may read the key set. */
  readonly network: Network;
  /** The rotation function: the only writer of the key set (PublishJwks); made with `reachesS3`. */
  readonly publisher: VpcFunction;
  /** The S3 server access log bucket (AuditLogs.accessLogsBucket) and what must exist before logging is turned on. */
  readonly accessLogs: { readonly bucket: S3Bucket; readonly ready: readonly ITerraformDependable[] };
}

/**
 * The environment's JSON Web Key Set, `s3://mcp-<env>-jwks-<account>-<region>/.well-known/jwks.json`, which every tier
 * reads (OAUTH_JWKS_URI) to verify agent tokens. The issuer is the bucket's virtual-hosted HTTPS origin, so the tasks
 * reach it over the S3 gateway endpoint with S3's publicly trusted certificate, and upstream's default JWKS location
 * (issuer + /.well-known/jwks.json, oauthStrategy.ts) is the same object. Anyone may read that one object, but only
 * through this VPC's S3 endpoint (`aws:SourceVpce`: a fixed value, so S3 does not count the policy as public and Block
 * Public Access stays fully on); only the rotation function may write it.
 */
export class JwksBucket extends Construct {
  readonly bucket: S3Bucket;
  readonly bucketName: string;
  /** `https://<bucket>.s3.<region>.amazonaws.com`: `iss` of every token, OAUTH_ISSUER_URL of every tier. */
  readonly issuer: string;
  /** `<issuer>/.well-known/jwks.json`: OAUTH_JWKS_URI of every tier. */
  readonly jwksUri: string;
  readonly policy: S3BucketPolicy;
  private readonly props: JwksBucketProps;
  private invocation?: LambdaInvocation;

  constructor(scope: Construct, id: string, props: JwksBucketProps) {
    super(scope, id);
    this.props = props;
    const { env, network } = props;
    // No dots: S3's certificate is *.s3.<region>.amazonaws.com, and a wildcard covers one label only.
    this.bucketName = `${prefix(env)}-jwks-${env.accountId}-${env.region}`;
    if (this.bucketName.length > 63 || this.bucketName.includes(".")) throw new Error(`${this.node.path}: bucket name ${this.bucketName} must be at most 63 characters without dots`);
    this.issuer = `https://${this.bucketName}.s3.${env.region}.amazonaws.com`;
    this.jwksUri = `${this.issuer}/${JWKS_OBJECT_KEY}`;

    this.bucket = new S3Bucket(this, "bucket", { bucket: this.bucketName, forceDestroy: false });
    new S3BucketOwnershipControls(this, "ownership", { bucket: this.bucket.id, rule: { objectOwnership: "BucketOwnerEnforced" } });
    const publicAccess = new S3BucketPublicAccessBlock(this, "public-access-block", {
      bucket: this.bucket.id,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    new S3BucketVersioningA(this, "versioning", { bucket: this.bucket.id, versioningConfiguration: { status: "Enabled" } });
    new S3BucketServerSideEncryptionConfigurationA(this, "encryption", {
      bucket: this.bucket.id,
      rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }],
    });
    suppress(this.bucket, "MCP-S3-003", "The tiers read the key set without AWS credentials (jose fetches a URL), and an anonymous request cannot decrypt an SSE-KMS object; it holds public keys only.");
    new S3BucketLoggingA(this, "access-logging", {
      bucket: this.bucket.id,
      targetBucket: props.accessLogs.bucket.id,
      targetPrefix: `${S3_ACCESS_LOGS_PREFIX}/`,
      targetObjectKeyFormat: { partitionedPrefix: { partitionDateSource: "EventTime" } },
      dependsOn: [...props.accessLogs.ready],
    });
    const object = `${this.bucket.arn}/${JWKS_OBJECT_KEY}`;
    const writer = props.publisher.role.arn;
    this.policy = new S3BucketPolicy(this, "policy", {
      bucket: this.bucket.id,
      policy: policyDocument([
        {
          // A fixed aws:SourceVpce makes the policy non-public ("The meaning of public", S3 User Guide,
          // https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html#access-control-block-public-access-policy-status),
          // so RestrictPublicBuckets does not block it: tasks read without credentials, from this VPC only.
          sid: "ReadKeySetThroughVpcEndpoint",
          principal: "*",
          actions: ["s3:GetObject"],
          resources: [object],
          condition: { StringEquals: { "aws:SourceVpce": network.s3Endpoint.id } },
        },
        {
          sid: "OnlyRotationFunctionWritesKeySet",
          effect: "Deny",
          principal: "*",
          actions: ["s3:PutObject"],
          resources: [object],
          condition: { ArnNotEquals: { "aws:PrincipalArn": writer } },
        },
        { sid: "DenyInsecureTransport", effect: "Deny", principal: "*", actions: ["s3:*"], resources: [this.bucket.arn, `${this.bucket.arn}/*`], condition: { Bool: { "aws:SecureTransport": "false" } } },
      ]),
      // S3 answers PutBucketPolicy with a conflict while the public access block is still being applied.
      dependsOn: [publicAccess],
    });
    props.publisher.role.addToPolicy({ sid: "PublishKeySet", actions: ["s3:PutObject"], resources: [object] });
    // The function is in the VPC: it reaches S3 through the gateway endpoint (VpcFunctionProps.reachesS3, part of its `ready`).
  }

  /**
   * (Re)writes the key set with the public halves of `keyArns`: a synchronous invocation of the publisher, re-run by
   * Terraform whenever the set changes. Whatever signs with a key of the set waits for `published`.
   */
  publish(keyArns: readonly string[]): LambdaInvocation {
    if (this.invocation) throw new Error(`${this.node.path}: the key set is published once per stack`);
    if (!keyArns.length) throw new Error(`${this.node.path}: a key set needs at least one key`);
    const input: PublishJwksInput = { PublishJwks: { bucket: this.bucketName, objectKey: JWKS_OBJECT_KEY, keyArns } };
    const fn = this.props.publisher;
    const role = fn.role.policyResource;
    this.invocation = new LambdaInvocation(this, "publish", {
      functionName: fn.functionName,
      // The ARNs are in the input: a key added, rolled or removed changes it, and Terraform invokes again.
      input: JSON.stringify(input),
      dependsOn: [this.policy, ...fn.ready, ...(role ? [role] : [])],
    });
    return this.invocation;
  }

  /** What exists once the key set has been written (after `publish`). */
  get published(): LambdaInvocation {
    if (!this.invocation) throw new Error(`${this.node.path}: publish() was not called`);
    return this.invocation;
  }
}
