import { rule } from "../../../policy/deploy/mcp-deploy-015";
import { judge, lines, plan } from "../fixtures";

const withBackend = (backend?: object) => ({ ...plan({ aws_vpc: { v: { cidr_block: "10.0.0.0/16" } } }), terraform: backend ? { backend } : {} });

describe("MCP-DEPLOY-015 local state outside cdktf.out", () => {
  it("fails the default state file and paths that stay inside cdktf.out", () => {
    expect(lines(judge(rule, withBackend({ local: {} })))).toEqual(['terraform.backend: keeps local state at "terraform.tfstate", inside cdktf.out; the next synth deletes it and the next apply recreates every resource']);
    expect(judge(rule, withBackend({ local: { path: "../../state.tfstate" } })).verdict).toBe("fail");
    expect(judge(rule, withBackend({ local: { path: "/srv/project/cdktf.out/s.tfstate" } })).verdict).toBe("fail");
    expect(judge(rule, withBackend({ local: {} })).rule.remediation).toContain("https://developer.hashicorp.com/terraform/language/backend/local");
  });

  it("passes the path McpStack writes, an absolute path elsewhere and the S3 backend; a plan without backend is not cdktf's", () => {
    expect(judge(rule, withBackend()).verdict).toBe("not-applicable");
    expect(judge(rule, withBackend({ local: { path: "../../../terraform.mcp-dev.tfstate" } })).verdict).toBe("pass");
    expect(judge(rule, withBackend({ local: { path: "/var/lib/terraform/mcp-dev.tfstate" } })).verdict).toBe("pass");
    expect(judge(rule, withBackend({ s3: { bucket: "b", key: "k", region: "us-east-1" } })).verdict).toBe("pass");
  });
});
