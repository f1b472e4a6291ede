import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { ITerraformDependable, Lazy } from "cdktf";
import { Construct } from "constructs";
import { AwsEnv } from "../lib/aws-env";
import { ReadableSecret } from "../lib/container";
import { policyDocument, serviceTrustPolicy, Statement } from "../lib/iam";

export interface ServiceRoleProps {
  readonly env: AwsEnv;
  /** Role name; must be unique in the account and ≤ 64 characters. */
  readonly name: string;
  /** The AWS service that assumes the role, e.g. "ecs-tasks.amazonaws.com". */
  readonly assumedBy: string;
  readonly description: string;
}

/**
 * An IAM role for one AWS service, whose single inline policy grows as other constructs grant it access
 * (`secret.grantRead(role)`, `key.grantDecrypt(role)`): nobody writes IAM JSON by hand in a stack.
 */
export class ServiceRole extends Construct {
  readonly role: IamRole;
  private readonly statements: Statement[] = [];
  private policy?: IamRolePolicy;

  constructor(scope: Construct, id: string, props: ServiceRoleProps) {
    super(scope, id);
    this.role = new IamRole(this, "role", {
      name: props.name,
      description: props.description,
      assumeRolePolicy: serviceTrustPolicy(props.assumedBy, props.env.accountId),
      maxSessionDuration: 3600,
    });
  }

  get arn(): string {
    return this.role.arn;
  }

  /** Adds a statement to the role's inline policy. Statement ids must be unique within the role. */
  addToPolicy(statement: Statement): void {
    // IAM accepts only alphanumeric statement ids; anything else fails at apply (MalformedPolicyDocument).
    if (!/^[A-Za-z0-9]+$/.test(statement.sid)) throw new Error(`${this.node.path}: statement id "${statement.sid}" must be alphanumeric (IAM rejects other characters)`);
    if (this.statements.some((s) => s.sid === statement.sid)) throw new Error(`${this.node.path}: statement id "${statement.sid}" is already in the policy`);
    this.statements.push(statement);
    this.policy ??= new IamRolePolicy(this, "policy", {
      name: "least-privilege",
      role: this.role.id,
      policy: Lazy.stringValue({ produce: () => policyDocument(this.statements) }),
    });
  }

  /**
   * The inline policy resource, once anything is granted: for `dependsOn` where AWS checks the role's permissions
   * when a resource is created (e.g. a Lambda in a VPC, a subscription filter).
   */
  get policyResource(): IamRolePolicy | undefined {
    return this.policy;
  }

  /** The statements granted so far (for tests and reports). */
  get grants(): readonly Statement[] {
    return this.statements;
  }
}

/**
 * A secret another resource owns (RDS's managed master password, a password a function sets), readable by a task
 * role: GetSecretValue on it alone, and decrypt through Secrets Manager as `grantDecrypt` allows.
 */
export function ownedSecret(props: { readonly arn: string; readonly firstValue: readonly ITerraformDependable[]; readonly sid: string; readonly grantDecrypt: (role: ServiceRole) => void }): ReadableSecret {
  return {
    arn: props.arn,
    firstValue: props.firstValue,
    grantRead(role: ServiceRole) {
      role.addToPolicy({ sid: props.sid, actions: ["secretsmanager:GetSecretValue"], resources: [props.arn] });
      props.grantDecrypt(role);
    },
  };
}
