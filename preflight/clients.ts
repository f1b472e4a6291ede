/**
 * Builds the SDK clients, with the standard credential chain (env, profile, SSO, role). Only `cli.ts` calls this:
 * constructing a client reads the environment, and nothing synth loads should do so.
 */
import { ACMClient } from "@aws-sdk/client-acm";
import { CloudTrailClient } from "@aws-sdk/client-cloudtrail";
import { EC2Client } from "@aws-sdk/client-ec2";
import { ECRClient } from "@aws-sdk/client-ecr";
import { IAMClient } from "@aws-sdk/client-iam";
import { LambdaClient } from "@aws-sdk/client-lambda";
import { S3Client } from "@aws-sdk/client-s3";
import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { ServiceQuotasClient } from "@aws-sdk/client-service-quotas";
import { SNSClient } from "@aws-sdk/client-sns";
import { STSClient } from "@aws-sdk/client-sts";
import type { PreflightClients } from "./types";

export function createClients(region: string, stateRegion: string = region): PreflightClients {
  return {
    sts: new STSClient({ region }),
    acm: new ACMClient({ region }),
    ec2: new EC2Client({ region }),
    ecr: new ECRClient({ region }),
    // The state bucket may live in another region; follow S3's redirect rather than fail on it.
    s3: new S3Client({ region: stateRegion, followRegionRedirects: true }),
    sns: new SNSClient({ region }),
    quotas: new ServiceQuotasClient({ region }),
    secrets: new SecretsManagerClient({ region }),
    lambda: new LambdaClient({ region }),
    cloudtrail: new CloudTrailClient({ region }),
    iam: new IAMClient({ region }),
  };
}
