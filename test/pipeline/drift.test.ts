/** `npm run drift`: a refresh-only plan's drift laid over the synthesized plan and weighed by the review's diff. */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { applyDrift, detectDrift, DriftEntry, main, renderDrift } from "../../review/drift";
import { shippedOutdir, shippedPlan } from "../plans";

const plan = shippedPlan("prod");
const nameOf = (type: string, pick: (name: string, body: any) => boolean): string => {
  const found = Object.entries((plan.resource as any)[type]).find(([n, b]) => pick(n, b));
  if (!found) throw new Error(`no ${type} in the prod plan`);
  return found[0];
};
const gatewayGroup = nameOf("aws_security_group", (n) => n.includes("gateway_group"));
const gatewayLogs = nameOf("aws_cloudwatch_log_group", (_n, b) => b.name === "/mcp/prod/gateway");
const listener = nameOf("aws_lb_listener", (n) => n.includes("gateway"));
const alarm = nameOf("aws_cloudwatch_metric_alarm", (_n, b) => b.alarm_name === "mcp-prod-auth-failures");

/** `terraform show -json` of a refresh-only plan (Terraform's JSON output format: `resource_drift`). */
const show = (drift: DriftEntry[]) => ({ format_version: "1.2", terraform_version: "1.11.4", resource_drift: drift });
const entry = (type: string, name: string, actions: string[], before: Record<string, unknown> | null, after: Record<string, unknown> | null, extra: Partial<DriftEntry["change"]> = {}): DriftEntry => ({
  address: `${type}.${name}`,
  mode: "managed",
  type,
  name,
  change: { actions, before, after, ...extra },
});

describe("drift", () => {
  it("weighs a rule added by hand to a kit security group like a pull request adding it: critical reachability", () => {
    const own = { cidr_blocks: [], security_groups: ["sg-0aaaaaaaaaaaaaaaa"], from_port: 4444, to_port: 4444, protocol: "tcp", description: "from the load balancer" };
    const added = { cidr_blocks: ["0.0.0.0/0"], ipv6_cidr_blocks: [], security_groups: [], prefix_list_ids: [], from_port: 3010, to_port: 3010, protocol: "tcp", description: "debug" };
    const r = detectDrift("mcp-prod", plan, show([entry("aws_security_group", gatewayGroup, ["update"], { ingress: [own] }, { ingress: [own, added] })]));
    expect(r.drifted).toEqual([{ address: `aws_security_group.${gatewayGroup}`, status: "changed", attributes: ["ingress"] }]);
    const reach = r.diff.security.filter((c) => c.kind === "reachability");
    expect(reach.map((c) => [c.severity, c.text.split(" [")[0]])).toEqual([["critical", "new ingress source: 0.0.0.0/0 → mcp-prod-gateway on 3010/tcp (debug)"]]);
    expect(r.diff.security.some((c) => c.kind === "policy" && c.text.includes("MCP-NET-001"))).toBe(true);
  });

  it("reports a changed TLS policy and a shortened retention, and leaves the synthesized plan untouched", () => {
    const before = JSON.stringify(plan);
    const r = detectDrift(
      "mcp-prod",
      plan,
      show([
        entry("aws_cloudwatch_log_group", gatewayLogs, ["update"], { retention_in_days: 365, arn: "x" }, { retention_in_days: 30, arn: "x" }),
        entry("aws_lb_listener", listener, ["update"], { ssl_policy: "ELBSecurityPolicy-TLS13-1-2-2021-06" }, { ssl_policy: "ELBSecurityPolicy-2016-08" }),
      ]),
    );
    expect(r.diff.security.filter((c) => c.kind !== "policy").map((c) => `${c.severity} ${c.kind}: ${c.text}`)).toEqual([
      "critical tls: TLS policy ELBSecurityPolicy-TLS13-1-2-2021-06 → ELBSecurityPolicy-2016-08 (lowest TLS 1.2 → 1.0)",
      "critical logs: retention of /mcp/prod/gateway changed from 365 to 30 days",
    ]);
    expect(JSON.stringify(plan)).toBe(before);
    expect((r.actual.resource as any).aws_cloudwatch_log_group[gatewayLogs].retention_in_days).toBe(30);
  });

  it("reports a resource deleted outside Terraform, and names a sensitive attribute without laying its value over the plan", () => {
    const { actual, drifted } = applyDrift(plan, [
      entry("aws_cloudwatch_metric_alarm", alarm, ["delete"], { alarm_name: "mcp-prod-auth-failures" }, null),
      entry("aws_lb_listener", listener, ["update"], { certificate_arn: "a", ssl_policy: "p" }, { certificate_arn: "b", ssl_policy: "p" }, { after_sensitive: { certificate_arn: true } }),
    ]);
    expect(drifted).toEqual([
      { address: `aws_cloudwatch_metric_alarm.${alarm}`, status: "deleted", attributes: [] },
      { address: `aws_lb_listener.${listener}`, status: "changed", attributes: ["certificate_arn (sensitive)"] },
    ]);
    expect((actual.resource as any).aws_cloudwatch_metric_alarm[alarm]).toBeUndefined();
    expect((actual.resource as any).aws_lb_listener[listener].certificate_arn).toBe((plan.resource as any).aws_lb_listener[listener].certificate_arn);
  });

  it("weighs drift of the images stack too: a repository made mutable and unscanned by hand", () => {
    const images = shippedPlan("prod-images");
    const [name] = Object.entries((images.resource as any).aws_ecr_repository).find(([, b]: [string, any]) => b.name === "mcp-prod/ibmi-mcp-server")!;
    const r = detectDrift(
      "mcp-prod-images",
      images,
      show([entry("aws_ecr_repository", name, ["update"], { image_tag_mutability: "IMMUTABLE", image_scanning_configuration: [{ scan_on_push: true }] }, { image_tag_mutability: "MUTABLE", image_scanning_configuration: [{ scan_on_push: false }] })]),
    );
    expect(r.drifted).toEqual([{ address: `aws_ecr_repository.${name}`, status: "changed", attributes: ["image_scanning_configuration", "image_tag_mutability"] }]);
    // A mutable tag no longer names one image: what the task definitions run could change under them.
    expect(r.diff.security.map((c) => [c.severity, c.text.split(" (")[0]])).toEqual([
      ["critical", "policy weakened: MCP-PROD-001"],
      ["critical", "policy weakened: MCP-ECR-001"],
    ]);
  });

  it("says so when nothing drifted", () => {
    const r = detectDrift("mcp-prod", plan, show([]));
    expect(renderDrift(r)).toBe("# Drift of mcp-prod\n\n_No drift: AWS matches the state of every resource Terraform manages._\n");
  });

  it("runs as npm run drift: writes the report, and refuses input that is not terraform show -json", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "drift-"));
    const showFile = path.join(dir, "show.json");
    fs.writeFileSync(showFile, JSON.stringify(show([entry("aws_cloudwatch_log_group", gatewayLogs, ["update"], { retention_in_days: 365 }, { retention_in_days: 30 })])));
    const out = path.join(dir, "drift.md");
    const write = jest.spyOn(process.stdout, "write").mockImplementation(() => true);
    const err = jest.spyOn(console, "error").mockImplementation(() => undefined);
    try {
      expect(main([shippedOutdir(), "mcp-prod", showFile, "--out", out])).toBe(0);
      const md = fs.readFileSync(out, "utf8");
      expect(md).toContain(`| \`aws_cloudwatch_log_group.${gatewayLogs}\` | changed | \`retention_in_days\` |`);
      expect(md).toContain("## Change report: mcp-prod as planned → mcp-prod in AWS now");
      expect(err).toHaveBeenLastCalledWith("drift mcp-prod: 1 resource(s) drifted, 2 security-relevant change(s), worst critical");
      fs.writeFileSync(showFile, JSON.stringify({ resource_drift: [] }));
      expect(main([shippedOutdir(), "mcp-prod", showFile])).toBe(1);
      expect(err).toHaveBeenLastCalledWith(`drift: ${showFile}: is not \`terraform show -json\` output (no format_version)`);
      expect(main([shippedOutdir(), "mcp-nope", showFile])).toBe(1);
      expect(err).toHaveBeenLastCalledWith(`drift: ${path.join(shippedOutdir(), "stacks", "mcp-nope", "cdk.tf.json")} does not exist; run npm run synth first`);
      expect(main([shippedOutdir(), "mcp-prod"])).toBe(2);
    } finally {
      write.mockRestore();
      err.mockRestore();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
