/** examples/github/scripts/kit-images.cjs: whether the main stack can be planned yet (its kit images are in ECR). */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { DescribeImagesCommand, ECRClient } from "@aws-sdk/client-ecr";
import { mockClient } from "aws-sdk-client-mock";
import { loadConfigs } from "../../config/load";
import { kitImages } from "../../lib/images";
import { CONFIG_DIR } from "../paths";
import { shippedOutdir, shippedPlan } from "../plans";

const { imagesOfPlan, missingImages, main } = require("../../examples/github/scripts/kit-images.cjs");

const prod = loadConfigs(CONFIG_DIR).find((c) => c.environment === "prod")!;
const planFile = path.join(shippedOutdir(), "stacks", "mcp-prod", "cdk.tf.json");
const error = (name: string) => Object.assign(new Error(`${name} message`), { name });

describe("kit images of a plan", () => {
  it("are the repositories and kit tags npm run images pushes (lib/images.ts), in the stack's region", () => {
    const expected = kitImages(prod).map((i) => ({ region: prod.region, repository: i.repositoryName, tag: i.tag }));
    expect(imagesOfPlan(shippedPlan("prod"))).toEqual(expected.sort((a, b) => a.repository.localeCompare(b.repository)));
    expect(expected.map((i) => i.repository)).toEqual(["mcp-prod/ibmi-mcp-server", "mcp-prod/mcp-gateway"]);
  });

  it("refuses a plan without an aws provider (not a kit stack)", () => {
    expect(() => imagesOfPlan({ resource: {} })).toThrow("the plan has no aws provider region: is it a synthesized mcp-<env> stack?");
  });

  it("counts only a missing tag or repository as missing; any other error is not an answer", async () => {
    const images = [
      { region: "us-east-1", repository: "mcp-prod/ibmi-mcp-server", tag: "kit-000000000001" },
      { region: "us-east-1", repository: "mcp-prod/mcp-gateway", tag: "kit-000000000002" },
    ];
    const seen: unknown[] = [];
    const send = async (region: string, input: any) => {
      seen.push([region, input]);
      if (input.repositoryName === "mcp-prod/mcp-gateway") throw error("ImageNotFoundException");
      return {};
    };
    expect(await missingImages(images, send)).toEqual([images[1]]);
    expect(seen[0]).toEqual(["us-east-1", { repositoryName: "mcp-prod/ibmi-mcp-server", imageIds: [{ imageTag: "kit-000000000001" }] }]);
    expect(await missingImages(images, async () => Promise.reject(error("RepositoryNotFoundException")))).toEqual(images);
    await expect(missingImages(images, async () => Promise.reject(error("AccessDeniedException")))).rejects.toThrow("mcp-prod/ibmi-mcp-server:kit-000000000001: AccessDeniedException: AccessDeniedException message");
  });
});

describe("node examples/github/scripts/kit-images.cjs", () => {
  const ecr = mockClient(ECRClient);
  afterEach(() => ecr.reset());
  const run = async (argv: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await main(argv, { out: (s: string) => out.push(s), err: (s: string) => err.push(s) });
    return { code, out, err };
  };
  const [server, gateway] = kitImages(prod);

  it("exits 0 when every image is in ECR, asking ECR through the SDK", async () => {
    ecr.on(DescribeImagesCommand).resolves({ imageDetails: [{}] });
    const r = await run([planFile]);
    expect(r).toEqual({ code: 0, out: [`in ECR  mcp-prod/ibmi-mcp-server:${server.tag} (us-east-1)`, `in ECR  mcp-prod/mcp-gateway:${gateway.tag} (us-east-1)`], err: [] });
    expect(ecr.commandCalls(DescribeImagesCommand).map((c) => c.args[0].input)).toEqual([
      { repositoryName: "mcp-prod/ibmi-mcp-server", imageIds: [{ imageTag: server.tag }] },
      { repositoryName: "mcp-prod/mcp-gateway", imageIds: [{ imageTag: gateway.tag }] },
    ]);
  });

  it("exits 3 listing what is missing, and 1 when it cannot tell", async () => {
    ecr.on(DescribeImagesCommand, { repositoryName: "mcp-prod/mcp-gateway" }).rejects(error("ImageNotFoundException")).on(DescribeImagesCommand, { repositoryName: "mcp-prod/ibmi-mcp-server" }).resolves({});
    expect(await run([planFile])).toEqual({ code: 3, out: [`in ECR  mcp-prod/ibmi-mcp-server:${server.tag} (us-east-1)`, `missing mcp-prod/mcp-gateway:${gateway.tag} (us-east-1)`], err: [] });
    ecr.reset();
    ecr.on(DescribeImagesCommand).rejects(error("ExpiredTokenException"));
    expect(await run([planFile])).toEqual({ code: 1, out: [], err: [`kit-images: mcp-prod/ibmi-mcp-server:${server.tag}: ExpiredTokenException: ExpiredTokenException message`] });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kit-images-"));
    try {
      expect((await run([path.join(dir, "nope.json")])).code).toBe(1);
      expect((await run([])).err).toEqual(["usage: node examples/github/scripts/kit-images.cjs <cdktf.out/stacks/mcp-<env>/cdk.tf.json>"]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
