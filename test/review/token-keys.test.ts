import { tokenKeysSection } from "../../review/token-keys";
import { reviewStack } from "../../review/report";
import { shippedPlan } from "../plans";

describe("review: token signing keys (oauth)", () => {
  it("lists each signing key, each tier's own audience, the revocation bound and the keys' cost in prod", () => {
    const plan = shippedPlan("prod");
    const lines = tokenKeysSection(plan);
    const keys = Object.values(plan.resource?.aws_kms_key ?? {}).filter((k: any) => k.key_usage === "SIGN_VERIFY");
    const md = lines.join("\n");
    expect(md.match(/\| `aws_kms_key\.token-signing-keys_/g)).toHaveLength(keys.length);
    expect(md).toContain("http://ro-");
    expect(md).toContain("at the latest 10 minutes later");
    expect(md).toContain(`${keys.length} asymmetric keys, about $${keys.length} a month`);
    expect(reviewStack("mcp-prod", plan).markdown).toContain("### Token signing keys (oauth)");
  });

  it("says nothing for a plan without token keys (jwt mode in dev)", () => {
    expect(tokenKeysSection(shippedPlan("dev"))).toEqual([]);
  });
});
