/**
 * The CI bootstrap's own config (`bootstrap/ci.json`): which repository may deploy which environments of this
 * account. It is read only by the bootstrap entry (`npm run bootstrap`), never by `npm run synth`, so the
 * environments' config loading is unchanged. Every problem is reported at once, like config/load.ts does.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { ConfigError, ConfigProblem, parseJson, validateConfig } from "../config/load";
import { McpConfig } from "../config/schema";

export interface BootstrapConfig {
  /** Region of the roles' provider; IAM is global, so this only picks the API endpoint. */
  readonly region: string;
  /** The account the roles are created in; every listed environment must deploy to it. */
  readonly accountId: string;
  readonly owner: string;
  readonly github: {
    /** `owner/name` of the repository whose workflows may assume the roles. */
    readonly repository: string;
    /** The branch deploys run from (the plan role trusts it, for the deploy's plan step and drift detection). @default "main" */
    readonly branch: string;
    /**
     * Create the account's OIDC provider for token.actions.githubusercontent.com. An account holds one per URL:
     * false looks the existing one up instead. @default true
     */
    readonly createOidcProvider: boolean;
    /** Let pull requests assume the plan role (read-only: refresh and plan, state read and lock). @default true */
    readonly planOnPullRequests: boolean;
  };
  /** Environments (names of `config/<env>.json`) deployed from CI into this account; each gets a plan and an apply role. */
  readonly environments: readonly string[];
  /** KMS key of the state bucket, when it is SSE-KMS: the roles may use it for the state objects only. */
  readonly stateKmsKeyArn?: string;
  /** Where the bootstrap stack keeps its own state. @default a local file beside the output directory */
  readonly state?: { readonly bucket: string; readonly key: string; readonly region?: string };
}

/** Every key of the bootstrap config, per object ("" is the top level); docs/pipeline.md documents each. */
export const BOOTSTRAP_KEYS: Readonly<Record<string, readonly string[]>> = {
  "": ["region", "accountId", "owner", "github", "environments", "stateKmsKeyArn", "state"],
  github: ["repository", "branch", "createOidcProvider", "planOnPullRequests"],
  state: ["bucket", "key", "region"],
};

const REGION = /^[a-z]{2}(-gov)?-[a-z]+-\d$/;
// GitHub owner and repository names: letters, digits, '-', '_', '.'; the sub claim carries them verbatim.
const REPOSITORY = /^[A-Za-z0-9][A-Za-z0-9-]{0,38}\/[A-Za-z0-9._-]{1,100}$/;
// A branch name as it appears in refs/heads/<branch>; no wildcard, which IAM's StringEquals would take literally.
const BRANCH = /^[A-Za-z0-9._/-]{1,200}$/;

/** Validates the parsed bootstrap config; `configDir` holds the environments' `<env>.json`. */
export function validateBootstrap(raw: unknown, file: string, configDir: string): { config?: BootstrapConfig; environments: McpConfig[]; problems: ConfigProblem[] } {
  const problems: ConfigProblem[] = [];
  const add = (p: string, value: unknown, problem: string, fix: string) => problems.push({ file, path: p, value, problem, fix });
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    add("", undefined, "is not a JSON object", "see bootstrap/ci.json for the shape");
    return { environments: [], problems };
  }
  const r = raw as Record<string, any>;
  for (const [at, keys] of Object.entries(BOOTSTRAP_KEYS)) {
    const obj = at ? r[at] : r;
    if (typeof obj !== "object" || obj === null) continue;
    for (const k of Object.keys(obj)) if (!keys.includes(k)) add(at ? `${at}.${k}` : k, undefined, "is not a known key", `remove it; known keys here: ${keys.join(", ")}`);
  }
  if (typeof r.region !== "string" || !REGION.test(r.region)) add("region", r.region, "is not an AWS region", 'write a region code, e.g. "us-east-1"');
  if (typeof r.accountId !== "string" || !/^\d{12}$/.test(r.accountId)) add("accountId", r.accountId, "is not a 12-digit AWS account id", 'write the account the roles are created in, e.g. "123456789012"');
  if (typeof r.owner !== "string" || r.owner.length === 0) add("owner", r.owner, "is required", "name the team that owns the CI roles (the owner tag)");
  const gh = typeof r.github === "object" && r.github !== null ? r.github : undefined;
  if (!gh) add("github", r.github, "is required", 'add "github": { "repository": "<owner>/<repo>" }');
  else {
    if (typeof gh.repository !== "string" || !REPOSITORY.test(gh.repository)) add("github.repository", gh.repository, "is not a GitHub repository", 'write "<owner>/<repo>", e.g. "acme/ibmi-mcp-deploy"');
    if (gh.branch !== undefined && (typeof gh.branch !== "string" || !BRANCH.test(gh.branch) || gh.branch.includes("*")))
      add("github.branch", gh.branch, "is not a branch name (wildcards are not allowed: the trust policy pins one branch)", 'write the deploy branch, e.g. "main"');
    for (const k of ["createOidcProvider", "planOnPullRequests"]) if (gh[k] !== undefined && typeof gh[k] !== "boolean") add(`github.${k}`, gh[k], "is not a boolean", "write true or false");
  }
  if (r.stateKmsKeyArn !== undefined && (typeof r.stateKmsKeyArn !== "string" || !/^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[A-Za-z0-9-]+$/.test(r.stateKmsKeyArn)))
    add("stateKmsKeyArn", r.stateKmsKeyArn, "is not a KMS key ARN", 'write the state bucket key\'s ARN, e.g. "arn:aws:kms:us-east-1:123456789012:key/<key id>"');
  if (r.state !== undefined) {
    if (typeof r.state?.bucket !== "string" || r.state.bucket.length < 3) add("state.bucket", r.state?.bucket, "is required with state", "name the bucket of the bootstrap's own state");
    if (typeof r.state?.key !== "string" || r.state.key.length === 0) add("state.key", r.state?.key, "is required with state", 'write e.g. "ibmi-mcp/ci-bootstrap.tfstate"');
  }
  const environments: McpConfig[] = [];
  if (!Array.isArray(r.environments) || r.environments.length === 0) add("environments", r.environments, "lists no environment", 'list the environments CI deploys into this account, e.g. ["staging", "prod"]');
  else {
    r.environments.forEach((env: unknown, i: number): void => {
      const at = `environments[${i}]`;
      if (typeof env !== "string" || !/^[a-z][a-z0-9-]{0,11}$/.test(env)) {
        add(at, env, "is not an environment name", "write the name of a config/<env>.json");
        return;
      }
      if (r.environments.indexOf(env) !== i) {
        add(at, env, "is listed twice", "list each environment once");
        return;
      }
      const envFile = path.join(configDir, `${env}.json`);
      if (!fs.existsSync(envFile)) {
        add(at, env, `has no config file ${envFile}`, `create ${envFile} or remove "${env}"`);
        return;
      }
      const parsed = parseJson(fs.readFileSync(envFile, "utf8"), envFile);
      if (parsed.problems.length) {
        problems.push(...parsed.problems);
        return;
      }
      const result = validateConfig(parsed.value, envFile);
      if (!result.config) {
        problems.push(...result.problems);
        return;
      }
      const c = result.config;
      if (!c.state) add(at, env, "keeps its Terraform state in a local file, which a CI runner deletes when the job ends", `set state.bucket in ${envFile} (README, Configuration) or deploy "${env}" by hand`);
      if (c.accountId !== undefined && typeof r.accountId === "string" && c.accountId !== r.accountId)
        add(at, env, `deploys to account ${c.accountId}, not to this bootstrap's account ${r.accountId}`, "bootstrap each account with its own file, listing only the environments that deploy there");
      if (c.accountId === undefined) add(at, env, "has no accountId, so its roles could be assumed to deploy to whichever account a credential names", `set accountId in ${envFile}`);
      environments.push(c);
    });
  }
  if (problems.length) return { environments: [], problems };
  return {
    config: {
      region: r.region,
      accountId: r.accountId,
      owner: r.owner,
      github: { repository: gh.repository, branch: gh.branch ?? "main", createOidcProvider: gh.createOidcProvider ?? true, planOnPullRequests: gh.planOnPullRequests ?? true },
      environments: r.environments,
      ...(r.stateKmsKeyArn ? { stateKmsKeyArn: r.stateKmsKeyArn } : {}),
      ...(r.state ? { state: { bucket: r.state.bucket, key: r.state.key, ...(r.state.region ? { region: r.state.region } : {}) } } : {}),
    },
    environments,
    problems,
  };
}

/** Reads and validates the bootstrap config and the environments it names; throws ConfigError listing every problem. */
export function loadBootstrap(file: string, configDir: string): { config: BootstrapConfig; environments: McpConfig[] } {
  if (!fs.existsSync(file)) throw new ConfigError([{ file, path: "", value: undefined, problem: "does not exist", fix: "copy bootstrap/ci.json and set your repository, account and environments (docs/pipeline.md)" }]);
  const parsed = parseJson(fs.readFileSync(file, "utf8"), file);
  if (parsed.problems.length) throw new ConfigError(parsed.problems);
  const { config, environments, problems } = validateBootstrap(parsed.value, file, configDir);
  if (!config) throw new ConfigError(problems);
  return { config, environments };
}
