// Are the kit images a synthesized `mcp-<env>` plan runs already in ECR? The plan reads each one by its kit tag
// (data.aws_ecr_image, constructs/container-images.ts), so Terraform cannot plan the stack before
// `npm run images -- <env> --push` has pushed them: a pull request that changes tools/, a Dockerfile or an image
// reference names tags that only the deploy after the merge pushes. The pipeline asks this first and plans the main
// stack only when the answer is yes (docs/pipeline.md). Read-only: ecr:DescribeImages, which the plan role has for
// that data source. Tested in test/pipeline/.
//   node examples/github/scripts/kit-images.cjs cdktf.out/stacks/mcp-<env>/cdk.tf.json
// Exit 0: every image is in ECR; 3: some are not (each listed); 1: could not tell (the error says why).
"use strict";
const fs = require("node:fs");

/** What a missing repository or tag looks like to DescribeImages (ECR API reference, DescribeImages errors). */
const NOT_THERE = new Set(["ImageNotFoundException", "RepositoryNotFoundException"]);

/**
 * The images a synthesized plan reads: repository and tag of each data.aws_ecr_image, in the provider's region.
 * @param {any} plan the parsed cdk.tf.json
 * @returns {{ region: string, repository: string, tag: string }[]}
 */
function imagesOfPlan(plan) {
  const providers = plan?.provider?.aws;
  const region = Array.isArray(providers) ? providers[0]?.region : providers?.region;
  if (typeof region !== "string") throw new Error("the plan has no aws provider region: is it a synthesized mcp-<env> stack?");
  return Object.values(plan?.data?.aws_ecr_image ?? {})
    .map((d) => ({ region, repository: d.repository_name, tag: d.image_tag }))
    .sort((a, b) => (a.repository < b.repository ? -1 : a.repository > b.repository ? 1 : 0));
}

/**
 * The images that are not in ECR. `send(region, input)` runs DescribeImages; any error other than "not there"
 * (no credentials, AccessDenied, throttling) is thrown: an unknown answer is never taken for "missing".
 */
async function missingImages(images, send) {
  const missing = [];
  for (const image of images) {
    try {
      await send(image.region, { repositoryName: image.repository, imageIds: [{ imageTag: image.tag }] });
    } catch (e) {
      if (!NOT_THERE.has(e?.name)) throw new Error(`${image.repository}:${image.tag}: ${e?.name ?? "error"}: ${e?.message ?? e}`);
      missing.push(image);
    }
  }
  return missing;
}

/** DescribeImages through the AWS SDK the kit already depends on (credentials from the environment, as the CLI). */
function sdkSend() {
  const { ECRClient, DescribeImagesCommand } = require("@aws-sdk/client-ecr");
  const clients = new Map();
  return (region, input) => {
    if (!clients.has(region)) clients.set(region, new ECRClient({ region }));
    return clients.get(region).send(new DescribeImagesCommand(input));
  };
}

async function main(argv, io = { out: (s) => console.log(s), err: (s) => console.error(s) }, send = undefined) {
  if (argv.length !== 1) {
    io.err("usage: node examples/github/scripts/kit-images.cjs <cdktf.out/stacks/mcp-<env>/cdk.tf.json>");
    return 1;
  }
  try {
    const images = imagesOfPlan(JSON.parse(fs.readFileSync(argv[0], "utf8")));
    const missing = await missingImages(images, send ?? sdkSend());
    for (const i of images) io.out(`${missing.includes(i) ? "missing" : "in ECR "} ${i.repository}:${i.tag} (${i.region})`);
    return missing.length ? 3 : 0;
  } catch (e) {
    io.err(`kit-images: ${e.message}`);
    return 1;
  }
}

if (require.main === module) main(process.argv.slice(2)).then((code) => (process.exitCode = code));

module.exports = { imagesOfPlan, missingImages, main };
