/**
 * The preflight's contract: what a check reports, and what every check module gets to work with. Nothing here
 * constructs an SDK client; `clients.ts` does that, and only `cli.ts` calls it.
 */
import type { ACMClient } from "@aws-sdk/client-acm";
import type { CloudTrailClient } from "@aws-sdk/client-cloudtrail";
import type { EC2Client } from "@aws-sdk/client-ec2";
import type { ECRClient } from "@aws-sdk/client-ecr";
import type { IAMClient } from "@aws-sdk/client-iam";
import type { LambdaClient } from "@aws-sdk/client-lambda";
import type { S3Client } from "@aws-sdk/client-s3";
import type { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import type { ServiceQuotasClient } from "@aws-sdk/client-service-quotas";
import type { SNSClient } from "@aws-sdk/client-sns";
import type { STSClient } from "@aws-sdk/client-sts";
import type { McpConfig } from "../config/schema";
import type { TerraformJson } from "../policy/types";

export type Status = "PASS" | "FAIL" | "SKIP";

export interface CheckResult {
  /** The check group, e.g. "certificate", "network"; one module per group. */
  readonly group: string;
  /** What was checked, in a few words (a resource id or name where there is one). */
  readonly check: string;
  readonly status: Status;
  /** What was found. */
  readonly detail: string;
  /** What to do about a FAIL (and, for a SKIP, how to get the check to run). */
  readonly fix?: string;
}

/** One client per AWS service the preflight reads; `s3` is in the state bucket's region. */
export interface PreflightClients {
  readonly sts: STSClient;
  readonly acm: ACMClient;
  readonly ec2: EC2Client;
  readonly ecr: ECRClient;
  readonly s3: S3Client;
  readonly sns: SNSClient;
  readonly quotas: ServiceQuotasClient;
  readonly secrets: SecretsManagerClient;
  readonly lambda: LambdaClient;
  readonly cloudtrail: CloudTrailClient;
  /** IAM is global: the region only picks the endpoint's partition. */
  readonly iam: IAMClient;
}

export interface PreflightContext {
  readonly config: McpConfig;
  readonly clients: PreflightClients;
  /** The account the credentials belong to (from STS), which every ARN and ECR host is built from. */
  readonly accountId: string;
  /** The synthesized plan of the stack (cdktf.out/stacks/mcp-<env>/cdk.tf.json), when one exists. */
  readonly plan?: TerraformJson;
  /** "Now", for certificate expiry; a parameter so tests are deterministic. */
  readonly now: Date;
  /** HTTP for the checks of public registries (ghcr.io). @default globalThis.fetch */
  readonly fetch?: Fetch;
}

/** What the checks need of `fetch`; a parameter so tests stub it. */
export type Fetch = (url: string, init?: { method?: string; headers?: Record<string, string>; signal?: AbortSignal }) => Promise<{ status: number; json(): Promise<unknown> }>;

export const pass = (group: string, check: string, detail: string): CheckResult => ({ group, check, status: "PASS", detail });
export const fail = (group: string, check: string, detail: string, fix: string): CheckResult => ({ group, check, status: "FAIL", detail, fix });
export const skip = (group: string, check: string, detail: string, fix?: string): CheckResult => ({ group, check, status: "SKIP", detail, ...(fix ? { fix } : {}) });
