/** The CI bootstrap stack: OIDC trust, plan vs apply split, least privilege derived from each environment's plan. */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Testing } from "cdktf";
import { BOOTSTRAP_KEYS, BootstrapConfig, loadBootstrap, validateBootstrap } from "../../bootstrap/config";
import { checkOutdir, ciEnvironments, DEFAULT_BOOTSTRAP_OUTDIR, synthesizeBootstrap } from "../../bootstrap/main";
import { ConfigError } from "../../config/load";
import { imagesScript } from "../../images/commands";
import { formatProblem } from "../../config/load";
import { actionsFor, backendState, deployActions, IMAGE_PUSH_ACTIONS, mergeTypes, PlanTypes, RESOURCE_ACTIONS, scopeOf, statementsFor, typesOf, UNSCOPED_ACTIONS } from "../../lib/deploy-permissions";
import { checkStack } from "../../policy/engine";
import { TerraformJson } from "../../policy/types";
import { CiBootstrapStack, CiEnvironment, CiStack } from "../../stacks/ci-bootstrap-stack";
import { CONFIG_DIR } from "../paths";
import { shippedPlan } from "../plans";

const ROOT = path.join(__dirname, "..", "..");
const FILE = path.join(ROOT, "bootstrap", "ci.json");

let loaded: { config: BootstrapConfig; environments: CiEnvironment[] };
let plan: TerraformJson;

function synth(config: BootstrapConfig, envs: readonly CiEnvironment[]): TerraformJson {
  return JSON.parse(JSON.stringify(new CiBootstrapStack(Testing.app(), config, envs).toTerraform())) as TerraformJson;
}
const byName = (p: TerraformJson, type: string, name: string): any => Object.values((p.resource as any)[type]).find((r: any) => r.name === name);
const trustOf = (p: TerraformJson, role: string) => JSON.parse(byName(p, "aws_iam_role", role).assume_role_policy);
/** Every statement of every policy attached to `role`, from the plan. */
function statementsOf(p: TerraformJson, role: string): any[] {
  const policies = Object.values((p.resource as any).aws_iam_policy).filter((r: any) => r.name.startsWith(`${role}-`)) as any[];
  return policies.flatMap((r) => JSON.parse(r.policy).Statement);
}
const actionsOf = (p: TerraformJson, role: string): string[] => [...new Set(statementsOf(p, role).flatMap((s) => [].concat(s.Action)))].sort();
/** A shipped stack as bootstrap/main.ts ciStackOf reads it from the synthesized plan. */
const shippedStack = (name: string): CiStack => {
  const p = shippedPlan(name.replace(/^mcp-/, ""));
  return { name, types: typesOf(p), state: backendState(p) };
};
/** The environment's stacks in synth order: its images stack, then the environment. */
const shippedStacks = (env: string): CiStack[] => [shippedStack(`mcp-${env}-images`), shippedStack(`mcp-${env}`)];
const typesOfEnv = (e: CiEnvironment): PlanTypes => mergeTypes(e.stacks.map((s) => s.types));
const prodEnv = () => loaded.environments.find((e) => e.config.environment === "prod")!;

beforeAll(() => {
  const { config, environments } = loadBootstrap(FILE, CONFIG_DIR);
  // The plans the suite's one synth wrote: what bootstrap/main.ts ciEnvironments derives from a synth.
  loaded = { config, environments: environments.map((c) => ({ config: c, stacks: shippedStacks(c.environment) })) };
  plan = synth(loaded.config, loaded.environments);
});

describe("OIDC trust", () => {
  it("creates GitHub's OIDC provider with the STS audience", () => {
    const provider = Object.values((plan.resource as any).aws_iam_openid_connect_provider) as any[];
    expect(provider).toHaveLength(1);
    expect(provider[0]).toMatchObject({ url: "https://token.actions.githubusercontent.com", client_id_list: ["sts.amazonaws.com"] });
  });

  it("lets only the GitHub environment of the same name assume an apply role", () => {
    for (const env of ["staging", "prod"]) {
      const [s, ...rest] = trustOf(plan, `ci-mcp-${env}-apply`).Statement;
      expect(rest).toEqual([]);
      expect(s.Action).toBe("sts:AssumeRoleWithWebIdentity");
      expect(s.Principal.Federated).toMatch(/^\$\{aws_iam_openid_connect_provider\.[^.]+\.arn\}$/);
      expect(s.Condition).toEqual({ StringEquals: { "token.actions.githubusercontent.com:aud": "sts.amazonaws.com", "token.actions.githubusercontent.com:sub": `repo:acme/ibmi-mcp-deploy:environment:${env}` } });
    }
  });

  it("lets the deploy branch and pull requests assume the plan role, and only them", () => {
    const s = trustOf(plan, "ci-mcp-prod-plan").Statement[0];
    expect(s.Condition).toEqual({
      StringEquals: { "token.actions.githubusercontent.com:aud": "sts.amazonaws.com", "token.actions.githubusercontent.com:sub": ["repo:acme/ibmi-mcp-deploy:ref:refs/heads/main", "repo:acme/ibmi-mcp-deploy:pull_request"] },
    });
  });

  it("drops pull requests from the plan role's trust when planOnPullRequests is false, and looks up an existing provider on request", () => {
    const p = synth({ ...loaded.config, github: { ...loaded.config.github, planOnPullRequests: false, createOidcProvider: false } }, loaded.environments);
    expect(trustOf(p, "ci-mcp-staging-plan").Statement[0].Condition.StringEquals["token.actions.githubusercontent.com:sub"]).toBe("repo:acme/ibmi-mcp-deploy:ref:refs/heads/main");
    expect((p.resource as any).aws_iam_openid_connect_provider).toBeUndefined();
    expect(Object.values((p.data as any).aws_iam_openid_connect_provider)).toEqual([expect.objectContaining({ url: "https://token.actions.githubusercontent.com" })]);
  });
});

describe("permissions", () => {
  it("passes the kit's policy packs: no wildcard action, '*' resources only in the suppressed policy of actions AWS cannot scope", () => {
    const result = checkStack("ci-bootstrap", plan, { stage: "prod" });
    expect(result.results.filter((r) => r.verdict === "fail").map((r) => r.rule.id)).toEqual([]);
    expect(result.results.find((r) => r.rule.id === "MCP-IAM-001")?.verdict).toBe("pass");
    const suppressed = result.results.flatMap((r) => r.suppressed.map((s) => `${r.rule.id} ${s.address}`));
    expect(suppressed.every((s) => /^MCP-IAM-002 aws_iam_policy\.(staging|prod)_(plan|apply)_unscoped_/.test(s))).toBe(true);
    for (const role of ["ci-mcp-prod-plan", "ci-mcp-prod-apply"]) for (const a of actionsOf(plan, role)) expect(a).toMatch(/^[a-z0-9-]+:[A-Za-z0-9]+$/);
  });

  it("gives the plan role read calls and the state lock of both stacks, and nothing that changes infrastructure", () => {
    const writes =
      /^[a-z0-9-]+:(Create|Put|Delete|Update|Modify|Tag|Untag|Attach|Detach|Associate|Disassociate|Register|Deregister|Revoke|Authorize|Add|Remove|Set|Import|Invoke|Pass|Schedule|Enable|Disable|Rotate|Cancel|Subscribe|Unsubscribe|Start|Stop|Replace|Restore|Retire|Initiate|Upload|Complete|BatchCheck|GetAuthorization)/;
    const statements = statementsOf(plan, "ci-mcp-prod-plan");
    const writing = statements.filter((s) => [].concat(s.Action).some((a: string) => writes.test(a)));
    // The very objects the environment's S3 backends use (ImagesStack's and McpStack's, as synthesized).
    const backends = ["prod-images", "prod"].map((e) => (shippedPlan(e) as any).terraform.backend.s3);
    expect(backends.map((b) => b.key)).toEqual(["ibmi-mcp/prod-images.tfstate", "ibmi-mcp/prod.tfstate"]);
    // The only writes: the lock files of the S3 backend's native locking.
    expect(writing.map((s) => [s.Sid, s.Resource])).toEqual([["StateLock", backends.map((b) => `arn:aws:s3:::${b.bucket}/${b.key}.tflock`)]]);
    expect(statements.find((s) => s.Sid === "StateRead")).toMatchObject({ Action: "s3:GetObject", Resource: backends.map((b) => `arn:aws:s3:::${b.bucket}/${b.key}`) });
    expect(statements.find((s) => s.Sid === "StateEncryption").Condition).toEqual({ StringEquals: { "kms:ViaService": `s3.${backends[1].region}.amazonaws.com` } });
    // Reading is all a pull request's plan may do with images: no registry login, no push.
    expect(actionsOf(plan, "ci-mcp-prod-plan").filter((a) => IMAGE_PUSH_ACTIONS.includes(a))).toEqual(["ecr:DescribeImages"]);
  });

  it("gives the apply role every call both stacks' resource types need, and the plan role their reads", () => {
    const types = typesOfEnv(prodEnv());
    const granted = new Set(actionsOf(plan, "ci-mcp-prod-apply"));
    expect(actionsFor(types, "write").filter((a) => !granted.has(a))).toEqual([]);
    const planGranted = new Set(actionsOf(plan, "ci-mcp-prod-plan"));
    expect(actionsFor(types, "read").filter((a) => !planGranted.has(a))).toEqual([]);
    expect(granted.has("ec2:CreateVpc") && granted.has("ecs:CreateService") && granted.has("s3:PutBucketPolicy")).toBe(true);
    // The images stack's own types, from its plan: repositories, their lifecycle, its key and alias.
    for (const env of ["staging", "prod"]) expect(typesOf(shippedPlan(`${env}-images`)).resources).toEqual(["aws_ecr_lifecycle_policy", "aws_ecr_repository", "aws_kms_alias", "aws_kms_key"]);
    for (const a of ["ecr:CreateRepository", "ecr:PutImageScanningConfiguration", "ecr:PutLifecyclePolicy", "kms:CreateAlias"]) expect(granted.has(a)).toBe(true);
    for (const a of ["ecr:DescribeRepositories", "ecr:GetLifecyclePolicy", "ecr:DescribeImages"]) expect(planGranted.has(a)).toBe(true);
  });

  it("lets the apply role push to the environment's repositories only, and log in to the registry with its reason", () => {
    const statements = statementsOf(plan, "ci-mcp-prod-apply");
    const push = IMAGE_PUSH_ACTIONS.filter((a) => a !== "ecr:GetAuthorizationToken");
    expect(push.sort()).toEqual(["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:CompleteLayerUpload", "ecr:DescribeImages", "ecr:InitiateLayerUpload", "ecr:PutImage", "ecr:UploadLayerPart"]);
    for (const a of push) {
      const granting = statements.filter((s) => [].concat(s.Action).includes(a as never));
      expect([a, granting.flatMap((s) => [].concat(s.Resource))]).toEqual([a, ["arn:aws:ecr:us-east-1:123456789012:repository/mcp-prod/*"]]);
    }
    const login = statements.filter((s) => [].concat(s.Action).includes("ecr:GetAuthorizationToken" as never));
    expect(login.map((s) => [s.Sid, s.Resource, s.Condition])).toEqual([["RegionalActionsWithoutResourceScope", "*", { StringEquals: { "aws:RequestedRegion": "us-east-1" } }]]);
    expect(UNSCOPED_ACTIONS["ecr:GetAuthorizationToken"]).toMatch(/no resource type/);
    // The repository names `npm run images` pushes to are inside that scope (lib/images.ts repositoryName).
    const repos = Object.values((shippedPlan("prod-images").resource as any).aws_ecr_repository)
      .map((r: any) => r.name)
      .sort();
    expect(repos).toEqual(["mcp-prod/ibmi-mcp-server", "mcp-prod/mcp-gateway"]);
  });

  it("covers every AWS call npm run images --push makes (images/commands.ts)", () => {
    const script = imagesScript(prodEnv().config, ROOT).lines.join("\n");
    // Each AWS CLI call of the script, and the action that authorizes it; sts get-caller-identity needs none (and is
    // only there without accountId, which the bootstrap requires). A new call here needs its action in IMAGE_PUSH_ACTIONS.
    const calls = [...new Set([...script.matchAll(/\baws ([a-z0-9-]+ [a-z0-9-]+)/g)].map((m) => m[1]))].sort();
    expect(calls).toEqual(["ecr describe-images", "ecr get-login-password"]);
    expect(IMAGE_PUSH_ACTIONS).toEqual(expect.arrayContaining(["ecr:DescribeImages", "ecr:GetAuthorizationToken"]));
    // docker talks to the registry only to push (the build pulls its base from the upstream registry, not ECR).
    expect([...script.matchAll(/\bdocker ([a-z]+)/g)].map((m) => m[1]).filter((c) => c !== "build" && c !== "login")).toEqual(["push", "push"]);
    expect(script).not.toMatch(/--build-arg BASE_IMAGE=[^ ]*dkr\.ecr/);
  });

  it("lets ECR, RDS and ElastiCache (EFS in dev), and nothing else, make and retire grants on the environment's keys", () => {
    const statements = statementsOf(plan, "ci-mcp-prod-apply");
    const grant = (action: string) => statements.filter((s) => [].concat(s.Action).includes(action as never));
    expect(grant("kms:CreateGrant").map((s) => [s.Resource, s.Condition])).toEqual([
      // prod keeps the gateway's state in RDS and ElastiCache (constructs/gateway-database.ts, gateway-cache.ts), not EFS.
      ["arn:aws:kms:us-east-1:123456789012:key/*", { StringEquals: { "kms:ViaService": ["ecr.us-east-1.amazonaws.com", "elasticache.us-east-1.amazonaws.com", "rds.us-east-1.amazonaws.com"] }, Bool: { "kms:GrantIsForAWSResource": "true" } }],
    ]);
    // ECR retires its grants when a repository is deleted; the deleting principal needs RetireGrant in its IAM policy.
    expect(grant("kms:RetireGrant").map((s) => [s.Resource, s.Condition])).toEqual([["arn:aws:kms:us-east-1:123456789012:key/*", { StringEquals: { "kms:ViaService": "ecr.us-east-1.amazonaws.com" } }]]);
    expect(() => statementsFor(["kms:CreateGrant"], { accountId: "123456789012", region: "us-east-1", partition: "aws", environment: "prod", stage: "prod" })).toThrow(
      "kms:CreateGrant without a service to make the grants through: add the resource type to KMS_GRANTS_VIA in lib/deploy-permissions.ts",
    );
    // The images key's alias (constructs/image-repositories.ts) is the environment's own.
    const alias = (Object.values((shippedPlan("prod-images").resource as any).aws_kms_alias)[0] as any).name;
    expect(alias).toBe("alias/mcp-prod-images");
    expect(grant("kms:CreateAlias").flatMap((s) => [].concat(s.Resource))).toContain(`arn:aws:kms:us-east-1:123456789012:${alias}`);
    expect(actionsOf(plan, "ci-mcp-prod-plan").filter((a) => /Grant/.test(a))).toEqual([]);
  });

  it("derives the actions from the plans: a type the plans lack grants nothing", () => {
    const prod = prodEnv();
    const without = (drop: (t: string) => boolean, stacks = prod.stacks) => ({ ...prod, stacks: stacks.map((st) => ({ ...st, types: { ...st.types, resources: st.types.resources.filter((t) => !drop(t)) } })) });
    const p = synth(loaded.config, [without((t) => t.startsWith("aws_db_"))]);
    expect(actionsOf(p, "ci-mcp-prod-apply").filter((a) => a.startsWith("rds:"))).toEqual([]);
    expect(actionsOf(plan, "ci-mcp-prod-apply")).toContain("rds:CreateDBInstance");
    expect(actionsOf(plan, "ci-mcp-prod-apply").filter((a) => a.startsWith("elasticfilesystem:"))).toEqual([]);
    // Without the images stack: no repository calls, no push, no registry login, grants only through RDS and ElastiCache.
    const mainOnly = synth(loaded.config, [{ ...prod, stacks: prod.stacks.filter((st) => st.name === "mcp-prod") }]);
    const apply = actionsOf(mainOnly, "ci-mcp-prod-apply");
    expect(apply.filter((a) => a.startsWith("ecr:"))).toEqual(["ecr:DescribeImages"]);
    expect(statementsOf(mainOnly, "ci-mcp-prod-apply").find((s) => [].concat(s.Action).includes("kms:CreateGrant" as never)).Condition.StringEquals["kms:ViaService"]).toEqual(["elasticache.us-east-1.amazonaws.com", "rds.us-east-1.amazonaws.com"]);
    expect(apply).not.toContain("kms:RetireGrant");
    expect(statementsOf(mainOnly, "ci-mcp-prod-plan").find((s) => s.Sid === "StateRead").Resource).toBe("arn:aws:s3:::acme-terraform-state-123456789012/ibmi-mcp/prod.tfstate");
    expect(deployActions(typesOfEnv(prod))).toEqual(expect.arrayContaining([...IMAGE_PUSH_ACTIONS]));
  });

  it("scopes what the apply role manages to the environment's names, never to the CI roles themselves", () => {
    const statements = statementsOf(plan, "ci-mcp-prod-apply");
    const iam = statements.filter((s) => [].concat(s.Action).some((a: string) => a.startsWith("iam:")));
    const resources = iam.flatMap((s) => [].concat(s.Resource)) as string[];
    expect(resources.sort()).toEqual(["arn:aws:iam::123456789012:role/aws-service-role/*", "arn:aws:iam::123456789012:role/mcp-prod-*", "arn:aws:iam::123456789012:role/mcp-prod-*"]);
    const matches = (pattern: string, arn: string) =>
      new RegExp(
        `^${pattern
          .split("*")
          .map((x) => x.replace(/[.?+^$()[\]{}|\\/]/g, "\\$&"))
          .join(".*")}$`,
      ).test(arn);
    for (const role of ["ci-mcp-prod-apply", "ci-mcp-prod-plan", "ci-mcp-staging-apply"]) expect(resources.filter((r) => matches(r, `arn:aws:iam::123456789012:role/${role}`))).toEqual([]);
    expect(statements.find((s) => s.Sid === "PassOwnRolesToServices").Condition.StringEquals["iam:PassedToService"]).toContain("ecs-tasks.amazonaws.com");
    // CreateProfile passes the token-reader roles to Roles Anywhere (Service Authorization Reference, Roles Anywhere:
    // CreateProfile → iam:PassRole with iam:PassedToService rolesanywhere.amazonaws.com); only a plan with a profile.
    const passedTo = (actions: string[]) =>
      statementsFor(actions, { accountId: "123456789012", region: "us-east-1", partition: "aws", environment: "prod", stage: "prod" }).scoped.find((s) => s.sid === "PassOwnRolesToServices")!.condition!.StringEquals["iam:PassedToService"];
    expect(passedTo(["iam:PassRole", "rolesanywhere:CreateProfile"])).toContain("rolesanywhere.amazonaws.com");
    expect(passedTo(["iam:PassRole"])).not.toContain("rolesanywhere.amazonaws.com");
    expect(actionsOf(plan, "ci-mcp-prod-apply")).toContain("rolesanywhere:CreateProfile");
    expect(statements.find((s) => s.Sid === "PassOwnRolesToServices").Condition.StringEquals["iam:PassedToService"]).toContain("rolesanywhere.amazonaws.com");
    // Another environment's resources are out of reach.
    expect(JSON.stringify(statements)).not.toContain("mcp-staging");
    expect(scopeOf("secretsmanager", { accountId: "123456789012", region: "us-east-1", partition: "aws", environment: "prod", stage: "prod" })).toEqual([
      "arn:aws:secretsmanager:us-east-1:123456789012:secret:mcp/prod/*",
      // The gateway database's master password secret, named by RDS (manage_master_user_password).
      "arn:aws:secretsmanager:us-east-1:123456789012:secret:rds!db-*",
    ]);
  });

  it("pins the actions AWS cannot scope to the region (Route 53, a global service, excepted)", () => {
    const unscoped = statementsOf(plan, "ci-mcp-prod-apply").filter((s) => s.Resource === "*");
    expect(unscoped.map((s) => [s.Sid, s.Condition])).toEqual([
      ["RegionalActionsWithoutResourceScope", { StringEquals: { "aws:RequestedRegion": "us-east-1" } }],
      ["GlobalActionsWithoutResourceScope", undefined],
    ]);
    expect(unscoped[1].Action.every((a: string) => a.startsWith("route53:"))).toBe(true);
  });

  it("keeps every policy under IAM's 6,144-character limit and each role under 10 policies", () => {
    const policies = Object.values((plan.resource as any).aws_iam_policy) as any[];
    for (const p of policies) expect(p.policy.length).toBeLessThanOrEqual(6144);
    for (const role of ["ci-mcp-prod-plan", "ci-mcp-prod-apply"]) expect(policies.filter((p) => p.name.startsWith(`${role}-`)).length).toBeLessThanOrEqual(10);
  });
});

describe("every resource type the shipped plans contain has its calls listed", () => {
  it.each(["dev", "dev-images", "staging", "staging-images", "prod", "prod-images"])("mcp-%s", (env) => {
    expect(typesOf(shippedPlan(env)).resources.filter((t) => !(t in RESOURCE_ACTIONS))).toEqual([]);
  });

  it("refuses a plan with a type it does not know, naming the type and the fix", () => {
    expect(() => actionsFor({ resources: ["aws_vpc", "aws_dynamodb_table"], data: ["aws_region"] }, "read")).toThrow(
      "deploy permissions: the plan has resource types the CI roles cannot be derived for: aws_dynamodb_table, data.aws_region. Fix: add their Terraform calls to RESOURCE_ACTIONS (or DATA_ACTIONS) in lib/deploy-permissions.ts.",
    );
  });
});

describe("plan types", () => {
  it("are taken from the environment's stacks built as npm run synth builds them, images stack first, with their backends", () => {
    expect(ciEnvironments([prodEnv().config])[0].stacks).toEqual(shippedStacks("prod"));
  });
});

describe("bootstrap config", () => {
  const problems = (raw: unknown) => validateBootstrap(raw, "bootstrap/ci.json", CONFIG_DIR).problems.map(formatProblem);
  const good = JSON.parse(fs.readFileSync(FILE, "utf8"));

  it("accepts the shipped example", () => expect(problems(good)).toEqual([]));

  it("is documented key by key in docs/pipeline.md", () => {
    const doc = fs.readFileSync(path.join(ROOT, "docs", "pipeline.md"), "utf8");
    const keys = Object.entries(BOOTSTRAP_KEYS).flatMap(([at, ks]) => ks.filter((k) => !BOOTSTRAP_KEYS[k]).map((k) => (at ? `${at}.${k}` : k)));
    const documented = (k: string) => doc.includes(`\`${k}\``) || (k.includes(".") && doc.includes(`\`${k.split(".")[0]}.`) && doc.includes(`${k.split(".")[1]}\``));
    expect(keys.filter((k) => !documented(k))).toEqual([]);
  });

  it("reports every problem at once with the field, the value and the fix", () => {
    expect(problems({ ...good, accountId: "12345", github: { repository: "acme", branch: "release/*", extra: 1 }, environments: ["staging", "dev", "nope", "staging"] })).toEqual([
      "bootstrap/ci.json: github.extra: is not a known key. Fix: remove it; known keys here: repository, branch, createOidcProvider, planOnPullRequests.",
      'bootstrap/ci.json: accountId: is not a 12-digit AWS account id (got "12345"). Fix: write the account the roles are created in, e.g. "123456789012".',
      'bootstrap/ci.json: github.repository: is not a GitHub repository (got "acme"). Fix: write "<owner>/<repo>", e.g. "acme/ibmi-mcp-deploy".',
      'bootstrap/ci.json: github.branch: is not a branch name (wildcards are not allowed: the trust policy pins one branch) (got "release/*"). Fix: write the deploy branch, e.g. "main".',
      `bootstrap/ci.json: environments[0]: deploys to account 123456789012, not to this bootstrap's account 12345 (got "staging"). Fix: bootstrap each account with its own file, listing only the environments that deploy there.`,
      `bootstrap/ci.json: environments[1]: keeps its Terraform state in a local file, which a CI runner deletes when the job ends (got "dev"). Fix: set state.bucket in ${path.join(CONFIG_DIR, "dev.json")} (README, Configuration) or deploy "dev" by hand.`,
      `bootstrap/ci.json: environments[1]: deploys to account 123456789012, not to this bootstrap's account 12345 (got "dev"). Fix: bootstrap each account with its own file, listing only the environments that deploy there.`,
      `bootstrap/ci.json: environments[2]: has no config file ${path.join(CONFIG_DIR, "nope.json")} (got "nope"). Fix: create ${path.join(CONFIG_DIR, "nope.json")} or remove "nope".`,
      'bootstrap/ci.json: environments[3]: is listed twice (got "staging"). Fix: list each environment once.',
    ]);
  });
});

describe("bootstrap output", () => {
  it("writes the checked stack, and nothing when the config is bad", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bootstrap-synth-"));
    const outdir = path.join(dir, "out");
    // Standard output: the cdktf CLI (cdktf deploy --app "node scripts/run.cjs bootstrap") shows standard error as [ERROR].
    const log = jest.spyOn(console, "log").mockImplementation(() => undefined);
    try {
      synthesizeBootstrap({ file: FILE, configDir: CONFIG_DIR, outdir });
      const written = JSON.parse(fs.readFileSync(path.join(outdir, "stacks", "ci-bootstrap", "cdk.tf.json"), "utf8"));
      expect(
        Object.values(written.resource.aws_iam_role)
          .map((r: any) => r.name)
          .sort(),
      ).toEqual(["ci-mcp-prod-apply", "ci-mcp-prod-plan", "ci-mcp-staging-apply", "ci-mcp-staging-plan"]);
      expect(fs.readFileSync(path.join(outdir, "stacks", "ci-bootstrap", "versions.tf"), "utf8")).toContain('required_version = ">= 1.11.0"');
      expect(log).toHaveBeenCalledWith(expect.stringMatching(/^policy ci-bootstrap: \d+ passed, 0 failed, 6 suppressed$/));
      const bad = path.join(dir, "ci.json");
      fs.writeFileSync(bad, JSON.stringify({ ...JSON.parse(fs.readFileSync(FILE, "utf8")), environments: ["dev"] }));
      const before = fs.readFileSync(path.join(outdir, "stacks", "ci-bootstrap", "cdk.tf.json"), "utf8");
      expect(() => synthesizeBootstrap({ file: bad, configDir: CONFIG_DIR, outdir })).toThrow(ConfigError);
      expect(fs.readFileSync(path.join(outdir, "stacks", "ci-bootstrap", "cdk.tf.json"), "utf8")).toBe(before);
      expect(fs.readdirSync(dir).sort()).toEqual(["ci.json", "out"]);
    } finally {
      log.mockRestore();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("refuses to write into the environments' cdktf.out, which its swap would delete", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bootstrap-out-"));
    fs.writeFileSync(path.join(dir, "manifest.json"), JSON.stringify({ stacks: { "mcp-prod": {}, "mcp-staging": {} } }));
    expect(() => checkOutdir(dir)).toThrow(
      `${dir} holds the stacks mcp-prod, mcp-staging; the bootstrap would replace them. Fix: give the bootstrap its own output, e.g. CDKTF_OUTDIR=${DEFAULT_BOOTSTRAP_OUTDIR} or cdktf --output ${DEFAULT_BOOTSTRAP_OUTDIR}`,
    );
    fs.writeFileSync(path.join(dir, "manifest.json"), JSON.stringify({ stacks: { "ci-bootstrap": {} } }));
    expect(() => checkOutdir(dir)).not.toThrow();
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
