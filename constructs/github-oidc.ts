import { DataAwsIamOpenidConnectProvider } from "@cdktf/provider-aws/lib/data-aws-iam-openid-connect-provider";
import { IamOpenidConnectProvider } from "@cdktf/provider-aws/lib/iam-openid-connect-provider";
import { Construct } from "constructs";
import { policyDocument } from "../lib/iam";

/** GitHub Actions' OIDC issuer: https://docs.github.com/en/actions/security-for-github-actions/security-hardening-your-deployments/configuring-openid-connect-in-amazon-web-services */
export const GITHUB_OIDC_HOST = "token.actions.githubusercontent.com";
/** The audience aws-actions/configure-aws-credentials asks for (its `audience` input's default). */
export const STS_AUDIENCE = "sts.amazonaws.com";

export interface GithubOidcProps {
  /**
   * Create the provider. An account holds one provider per issuer URL, so a second bootstrap in the same account
   * (another repository) looks the first one up instead. @default true
   */
  readonly create?: boolean;
}

/** The account's IAM OIDC provider for GitHub Actions, and trust policies that admit chosen workflow subjects only. */
export class GithubOidc extends Construct {
  readonly arn: string;

  constructor(scope: Construct, id: string, props: GithubOidcProps = {}) {
    super(scope, id);
    if (props.create ?? true) {
      // No thumbprint: IAM trusts GitHub's issuer through its own root CAs and ignores thumbprints for it.
      this.arn = new IamOpenidConnectProvider(this, "provider", { url: `https://${GITHUB_OIDC_HOST}`, clientIdList: [STS_AUDIENCE] }).arn;
    } else {
      this.arn = new DataAwsIamOpenidConnectProvider(this, "existing", { url: `https://${GITHUB_OIDC_HOST}` }).arn;
    }
  }

  /**
   * A trust policy for tokens whose `sub` is exactly one of `subjects` (e.g. `repo:acme/app:environment:prod`) and
   * whose `aud` is STS. StringEquals, never StringLike: a wildcard in a subject would admit other branches or forks.
   */
  trustPolicy(subjects: readonly string[]): string {
    if (subjects.length === 0) throw new Error(`${this.node.path}: a trust policy needs at least one subject`);
    const bad = subjects.filter((s) => !/^repo:[^*?:]+\/[^*?:]+:(ref:refs\/heads\/[^*?]+|environment:[^*?:]+|pull_request)$/.test(s));
    if (bad.length) throw new Error(`${this.node.path}: subjects ${bad.map((s) => JSON.stringify(s)).join(", ")} are not exact GitHub OIDC subjects (repo:<owner>/<repo>:ref:refs/heads/<branch>, :environment:<name> or :pull_request; no wildcards)`);
    return policyDocument([
      {
        sid: "GithubActionsOidc",
        principal: { Federated: this.arn },
        actions: ["sts:AssumeRoleWithWebIdentity"],
        condition: { StringEquals: { [`${GITHUB_OIDC_HOST}:aud`]: STS_AUDIENCE, [`${GITHUB_OIDC_HOST}:sub`]: subjects.length === 1 ? subjects[0] : [...subjects] } },
      },
    ]);
  }
}
