import { Testing, TerraformStack } from "cdktf";
import { ContainerImages } from "../../constructs/container-images";
import { containerDefinition } from "../../lib/container";
import { TerraformJson } from "../../policy/types";
import { resourceAt, shippedPlan } from "../plans";

const env = { accountId: "123456789012", region: "us-east-1", partition: "aws", environment: "prod", stage: "prod" } as const;
const DIGEST = `sha256:${"a".repeat(64)}`;

describe("ContainerImages", () => {
  let prod: TerraformJson;
  beforeAll(() => (prod = shippedPlan("prod")));

  it("caches ghcr.io through a pull-through rule whose credential secret is named for ECR and holds no value", () => {
    const rule = resourceAt(prod, "aws_ecr_pull_through_cache_rule", "images/ghcr");
    expect(rule).toMatchObject({ ecr_repository_prefix: "mcp-prod-ghcr", upstream_registry_url: "ghcr.io" });
    const secret = resourceAt(prod, "aws_secretsmanager_secret", "images/ghcr-credential");
    expect(secret.name).toBe("ecr-pullthroughcache/mcp-prod-ghcr");
    expect(rule.credential_arn).toMatch(/^\$\{aws_secretsmanager_secret\.images_ghcr-credential_\w+\.arn\}$/);
    expect(Object.keys(prod.resource ?? {})).not.toContain("aws_secretsmanager_secret_version");
  });

  describe("resolve", () => {
    const images = new ContainerImages(new TerraformStack(Testing.app(), "t"), "images", { env });

    it("maps a ghcr.io image to the cache repository, by digest when pinned, by tag otherwise", () => {
      expect(images.resolve(`ghcr.io/ibm/ibmi-mcp-server:0.5.1@${DIGEST}`)).toEqual({
        source: `ghcr.io/ibm/ibmi-mcp-server:0.5.1@${DIGEST}`,
        uri: `123456789012.dkr.ecr.us-east-1.amazonaws.com/mcp-prod-ghcr/ibm/ibmi-mcp-server@${DIGEST}`,
        repository: "mcp-prod-ghcr/ibm/ibmi-mcp-server",
        repositoryArn: "arn:aws:ecr:us-east-1:123456789012:repository/mcp-prod-ghcr/ibm/ibmi-mcp-server",
        pullThrough: true,
      });
      expect(images.resolve("ghcr.io/ibm/mcp-context-forge:0.7.0").uri).toBe("123456789012.dkr.ecr.us-east-1.amazonaws.com/mcp-prod-ghcr/ibm/mcp-context-forge:0.7.0");
    });

    it("uses an image mirrored into this account's ECR as it is", () => {
      expect(images.resolve("123456789012.dkr.ecr.us-east-1.amazonaws.com/mirror/mcp-gateway:1.0.8")).toMatchObject({ repository: "mirror/mcp-gateway", pullThrough: false });
    });

    it("refuses registries the isolated tasks cannot reach", () => {
      expect(() => images.resolve("docker.io/library/nginx:1.27")).toThrow('t/images: image "docker.io/library/nginx:1.27" is on docker.io, which the isolated tasks cannot reach; use ghcr.io (pull-through cache) or mirror it into this account\'s ECR in us-east-1');
      expect(() => images.resolve("210987654321.dkr.ecr.us-east-1.amazonaws.com/other/image:1")).toThrow("which the isolated tasks cannot reach");
    });
  });
});

describe("containerDefinition", () => {
  const base = {
    name: "c",
    image: "i",
    user: "app",
    port: 3010,
    environment: {},
    secrets: {},
    scratch: [],
    healthCheck: ["true"],
    startPeriodSeconds: 10,
    logGroupName: "/g",
    region: "us-east-1",
    streamPrefix: "p",
  };
  it("refuses root and credentials in environment", () => {
    expect(() => containerDefinition({ ...base, user: "root" })).toThrow("container c: runs as root");
    expect(() => containerDefinition({ ...base, user: "0" })).toThrow("container c: runs as root");
    expect(() => containerDefinition({ ...base, environment: { DB2i_PASS: "x" } })).toThrow("container c: DB2i_PASS looks like a credential; pass it in secrets, never in environment");
    expect(() => containerDefinition({ ...base, environment: { JWT_SECRET_KEY: "x" } })).toThrow("JWT_SECRET_KEY looks like a credential");
    // Names that only mention a token or key are settings.
    expect(() => containerDefinition({ ...base, environment: { REQUIRE_TOKEN_EXPIRATION: "true", IBMI_AUTH_PRIVATE_KEY_PATH: "/tmp/k" } })).not.toThrow();
  });
});
