/** Checklist statuses the plan cannot fully back stay "partly", with the reason as evidence, and move when the plan does. */
import * as tls from "node:tls";
import { assessChecklist, AssessedItem } from "../../review/checklist";
import { extractFacts, Facts } from "../../review/facts";
import { synthStack, variant } from "../helpers";
import { shippedPlan } from "../plans";

const item = (f: Facts, name: string): AssessedItem => assessChecklist(f).find((i) => i.item === name)!;
const HTTPS = "MCP server uses HTTPS with valid SSL certificate";
const VPN = "VPN required for remote agent access";
const text = (i: AssessedItem) => i.evidence.map((e) => (typeof e === "string" ? e : e.md)).join("\n");

describe("honest checklist statuses", () => {
  let prod: Facts;
  let dev: Facts;
  let prodWithCa: Facts;
  beforeAll(() => {
    prod = extractFacts("mcp-prod", shippedPlan("prod"));
    dev = extractFacts("mcp-dev", shippedPlan("dev"));
    prodWithCa = extractFacts("mcp-prod", synthStack(variant("prod", (c) => (c.network.ibmi.caCertificate = tls.rootCertificates[0]))).plan);
  });

  it("HTTPS is partly while TLS ends at the load balancer: the plain hops are named", () => {
    const i = item(prod, HTTPS);
    expect(i.status).toBe("partly");
    const tierGroups = prod.targetGroups.filter((t) => /mcp-prod-r[ow]-/.test(t.name));
    expect(tierGroups.length).toBe(2);
    for (const t of tierGroups) expect(t.protocol).toBe("HTTP");
    expect(text(i)).toMatch(new RegExp(`load balancer → task is plain HTTP: .*${tierGroups[0].name}`));
    expect(text(i)).toContain("gateway → tier is plain HTTP");
    expect(i.operator).toContain("plain HTTP inside the VPC");
  });

  it("names Mapepire's trust-on-first-use without a CA, and says what the operator must do", () => {
    const i = item(prod, HTTPS);
    expect(text(i)).toContain("Mapepire: DB2i_IGNORE_UNAUTHORIZED=false, but the server trusts whatever root certificate the IBM i presents");
    expect(i.operator).toContain("set network.ibmi.caCertificate to the IBM i's CA (PEM)");
    expect(text(item(dev, HTTPS))).toContain("Mapepire: certificate not verified (DB2i_IGNORE_UNAUTHORIZED=true)");
  });

  it("with the IBM i CA configured, Mapepire counts as verified; HTTPS stays partly for the plain hops alone", () => {
    const i = item(prodWithCa, HTTPS);
    expect(i.status).toBe("partly");
    expect(text(i)).toMatch(/Mapepire: 2 MCP containers verify the IBM i against network\.ibmi\.caCertificate/);
    expect(i.operator).not.toContain("caCertificate");
    // Were every hop TLS, the item would be met: the status follows the plan.
    const allTls: Facts = { ...prodWithCa, targetGroups: prodWithCa.targetGroups.map((t) => ({ ...t, protocol: "HTTPS" })), containers: prodWithCa.containers.filter((c) => !/gateway/.test(c.name)) };
    expect(item(allTls, HTTPS).status).toBe("met");
  });

  it("VPN is partly: the plan routes agents through the attachment but cannot see whether they use a VPN", () => {
    const i = item(prod, VPN);
    expect(i.status).toBe("partly");
    expect(text(i)).toMatch(/aws_ec2_transit_gateway_vpc_attachment\./);
    expect(text(i)).toContain("whether each agent network reaches the attachment over a VPN is outside the plan");
    expect(item({ ...prod, network: { ...prod.network, internetGateways: ["aws_internet_gateway.igw"] } }, VPN).status).toBe("not met");
    expect(text(item({ ...prod, network: { ...prod.network, attachments: [] } }, VPN))).toContain("no VPN or transit gateway attachment in this plan");
  });
});
