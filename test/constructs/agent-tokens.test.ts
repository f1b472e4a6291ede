import { Testing } from "cdktf";
import { SecurityAlerts } from "../../constructs/alerts";
import { AuditLogs } from "../../constructs/audit-logs";
import { EncryptionKey } from "../../constructs/encryption-key";
import { Secrets } from "../../constructs/secrets";
import { TerraformJson } from "../../policy/types";
import { McpStack } from "../../stacks/mcp-stack";
import { resourceAt, resources, shippedConfigs, synthStack, variant } from "../helpers";

/**
 * jwt mode: each agent group's token is a JWT the rotation function mints with the group's tier signing secret
 * (constructs/secrets.ts signAgentToken, constructs/tier-signing-secrets.ts), and a signing-key rotation re-mints the
 * tier's tokens and restarts the tier.
 */
const arnOf = (addr: string) => `\${${addr}.arn}`;
const addrAt = (plan: TerraformJson, type: string, pathSuffix: string) => {
  const hit = resources(plan, type).find(([, r]) => String(r["//"]?.metadata?.path).endsWith(`/${pathSuffix}`));
  if (!hit) throw new Error(`no ${type} at ${pathSuffix}`);
  return hit[0];
};
const policy = (plan: TerraformJson) => JSON.parse(resourceAt(plan, "aws_iam_role_policy", "secrets/rotation/role/policy").policy).Statement as any[];

describe("agent tokens as tier-signed JWTs", () => {
  const cfg = shippedConfigs();
  let plan: TerraformJson;
  let stack: McpStack;
  beforeAll(() => {
    // staging: several tiers, two groups sharing one; in jwt mode, as during a migration (oauth: oauth-tokens.test.ts).
    ({ plan, stack } = synthStack(variant("staging", (c) => (c.mcpServer.authMode = "jwt"))));
  });

  it("tags each agent token with its own tier's signing secret, its group as client id, the tier's toolsets as scopes", () => {
    const tiers = stack.mcp.tiers;
    expect(tiers.length).toBeGreaterThan(1);
    expect(tiers.some((t) => t.agents.length > 1)).toBe(true);
    for (const tier of tiers) {
      for (const agent of tier.agents) {
        const token = resourceAt(plan, "aws_secretsmanager_secret", `secrets/agent-token-${agent}`);
        expect(token.tags).toEqual({
          "mcp-secret-kind": "agent-jwt",
          "mcp-token-client-id": agent,
          "mcp-signing-secret": arnOf(addrAt(plan, "aws_secretsmanager_secret", `tier-signing-secrets/${tier.id}`)),
          "mcp-token-scopes": tier.toolsets.join(" "),
          // 7-day re-mint + 2 days' grace.
          "mcp-token-lifetime-hours": "216",
        });
      }
    }
  });

  it("re-mints tokens weekly, first on apply after the tier's signing secret has its first value", () => {
    for (const tier of stack.mcp.tiers) {
      const signingRotation = addrAt(plan, "aws_secretsmanager_secret_rotation", `tier-signing-secrets/rotation-${tier.id}`);
      // RotateSecret only starts the signer's rotation: a synchronous invocation waits until its first value is current.
      const firstValue = addrAt(plan, "aws_lambda_invocation", `tier-signing-secrets/first-value-${tier.id}`);
      const wait = resourceAt(plan, "aws_lambda_invocation", `tier-signing-secrets/first-value-${tier.id}`);
      expect(JSON.parse(wait.input)).toEqual({ WaitForCurrent: arnOf(addrAt(plan, "aws_secretsmanager_secret", `tier-signing-secrets/${tier.id}`)) });
      expect(wait.lifecycle_scope).toBe("CREATE_ONLY");
      expect(wait.depends_on).toContain(signingRotation);
      for (const agent of tier.agents) {
        const r = resourceAt(plan, "aws_secretsmanager_secret_rotation", `secrets/rotation-agent-token-${agent}`);
        expect(r.rotation_rules.automatically_after_days).toBe(7);
        expect(r.rotate_immediately).toBe(true);
        expect(r.secret_id).toBe(arnOf(addrAt(plan, "aws_secretsmanager_secret", `secrets/agent-token-${agent}`)));
        expect(r.depends_on).toContain(firstValue);
      }
    }
  });

  it("names on each signing secret the tokens it signs and the service that holds it (the real service's name)", () => {
    for (const tier of stack.mcp.tiers) {
      const tags = resourceAt(plan, "aws_secretsmanager_secret", `tier-signing-secrets/${tier.id}`).tags;
      const named = Object.entries(tags).filter(([k]) => k.startsWith("mcp-agent-token:"));
      expect(Object.fromEntries(named)).toEqual(Object.fromEntries(tier.agents.map((a) => [`mcp-agent-token:${a}`, `mcp/staging/agent-token/${a}`])));
      expect(tags["mcp-restart-service"]).toBe(`arn:aws:ecs:us-east-1:${stack.env.accountId}:service/mcp-staging/mcp-staging-${tier.id}`);
      expect(resourceAt(plan, "aws_ecs_service", `mcp/${tier.id}/service`).name).toBe(`mcp-staging-${tier.id}`);
    }
    expect(resourceAt(plan, "aws_ecs_cluster", "cluster/cluster").name).toBe("mcp-staging");
  });

  it("lets the rotation role read exactly the tier signing secrets, re-mint exactly the agent tokens, restart exactly the tier services", () => {
    const st = policy(plan);
    const tierArns = stack.mcp.tiers.map((t) => arnOf(addrAt(plan, "aws_secretsmanager_secret", `tier-signing-secrets/${t.id}`))).sort();
    const tokenArns = cfg.staging.agents.map((a) => arnOf(addrAt(plan, "aws_secretsmanager_secret", `secrets/agent-token-${a.name}`))).sort();
    for (const s of st) for (const a of [s.Action].flat()) expect(a).not.toMatch(/\*/);
    // GetSecretValue reaches a signing secret only through RotateTierSigningSecrets, which lists exactly the tiers'.
    const reads = st.filter((s) => [s.Action].flat().includes("secretsmanager:GetSecretValue"));
    expect(reads.map((s) => s.Sid)).toEqual(["RotateGeneratedSecrets", "RotateTierSigningSecrets"]);
    expect([...st.find((s) => s.Sid === "RotateTierSigningSecrets").Resource].sort()).toEqual(tierArns);
    expect(reads.find((s) => s.Sid === "RotateGeneratedSecrets").Resource).not.toEqual(expect.arrayContaining([tierArns[0]]));
    // Every agent token of the environment by its name prefix, whatever their number (IAM's inline policy size limit).
    expect(tokenArns.length).toBeGreaterThan(1);
    const tokens = `arn:aws:secretsmanager:us-east-1:${stack.env.accountId}:secret:mcp/staging/agent-token/*`;
    expect(st.find((s) => s.Sid === "RemintAgentTokens")).toEqual({ Sid: "RemintAgentTokens", Effect: "Allow", Action: "secretsmanager:RotateSecret", Resource: tokens });
    expect(st.find((s) => s.Sid === "InvokeOwnRotation")).toMatchObject({ Action: "lambda:InvokeFunction", Resource: `arn:aws:lambda:us-east-1:${stack.env.accountId}:function:mcp-staging-rotate-secret` });
    expect(resourceAt(plan, "aws_lambda_function", "secrets/rotation/function").function_name).toBe("mcp-staging-rotate-secret");
    expect([st.find((s) => s.Sid === "RestartTiersOnKeyRotation").Resource].flat().sort()).toEqual(stack.mcp.tiers.map((t) => `arn:aws:ecs:us-east-1:${stack.env.accountId}:service/mcp-staging/mcp-staging-${t.id}`).sort());
    expect(st.find((s) => s.Sid === "RestartTiersOnKeyRotation").Action).toBe("ecs:UpdateService");
    // Decrypt only through Secrets Manager (no kms action without the ViaService condition).
    for (const s of st.filter((x) => [x.Action].flat().some((a: string) => a.startsWith("kms:")))) expect(s.Condition).toEqual({ StringEquals: { "kms:ViaService": "secretsmanager.us-east-1.amazonaws.com" } });
  });

  it("adds the ECS API endpoint in every mode (the function restarts tiers, and the gateway in any mode, from inside the VPC)", () => {
    const services = (p: TerraformJson) => resources(p, "aws_vpc_endpoint").map(([, e]) => e.service_name);
    expect(services(plan)).toContain("com.amazonaws.us-east-1.ecs");
    const ibmi = synthStack(variant("staging", (c) => (c.mcpServer.authMode = "ibmi"))).plan;
    expect(services(ibmi)).toContain("com.amazonaws.us-east-1.ecs");
    expect(policy(ibmi).map((s) => s.Sid)).not.toContain("RestartTiersOnKeyRotation");
    expect(policy(ibmi).map((s) => s.Sid)).toContain("RestartGatewayOnSecretRotation");
  });

  it("refuses, at synth, a jwt-mode agent token no tier signs", () => {
    // Beside a dev stack's own Secrets, with its own logs and alerts (their names are per environment).
    const s = new McpStack(Testing.app(), cfg.dev);
    const env = { ...s.env, environment: "other" };
    const key = new EncryptionKey(s, "other-key", { env });
    const logs = new AuditLogs(s, "other-logs", { env, key, retentionDays: 90 });
    const alerts = new SecurityAlerts(s, "other-alerts", { env, key, authFailuresPerHour: 10, mcpServerLogs: logs.mcpServer, gatewayLogs: logs.gateway });
    new Secrets(s, "other-secrets", { env, key, network: s.network, logs, alerts, rotationDays: 30, authMode: "jwt", agents: [{ name: "ops" }] });
    const errors = s.node.findAll().flatMap((c) => c.node.validate());
    expect(errors).toEqual(["mcp-dev/other-secrets: agent token ops has no tier signing secret (TierSigningSecrets signs every group's token)"]);
  });

  it("refuses a token rotation interval longer than the signing key's", () => {
    const s = new McpStack(Testing.app(), cfg.dev);
    expect(() => new Secrets(s, "more-secrets", { env: s.env, key: s.key, network: s.network, logs: s.logs, alerts: s.alerts, rotationDays: 30, authMode: "jwt", agents: [], agentTokenRotationDays: 31 })).toThrow(
      "mcp-dev/more-secrets: agentTokenRotationDays 31 must be 1 to rotationDays (30)",
    );
  });
});
