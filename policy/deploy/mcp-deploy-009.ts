import { containersOf } from "../documents";
import { PlanResource } from "../plan";
import { defineRule } from "../rule";
import { actionMatches, DOCS, planRegion, referencesIn, rolePolicies } from "./support";

export const PULL_THROUGH_SECRET_PREFIX = "ecr-pullthroughcache/";
const ECR_IMAGE = /^([^/]+)\.dkr\.ecr\.([a-z0-9-]+|\$\{[^}]+\})\.amazonaws\.com\/(.+)$/;
const FIRST_PULL_ACTIONS = ["ecr:BatchImportUpstreamImage", "ecr:CreateRepository"];

/**
 * Tasks in a VPC without internet reach only ECR of their own Region (through the ecr.api/ecr.dkr endpoints). An
 * image from ghcr.io must come through a pull-through cache rule, whose repositories are `<prefix>/<upstream path>`;
 * its upstream credential must be a Secrets Manager secret named `ecr-pullthroughcache/…`, and the first pull of
 * a cached image needs ecr:BatchImportUpstreamImage and ecr:CreateRepository on the execution role.
 * https://docs.aws.amazon.com/AmazonECR/latest/userguide/pull-through-cache-creating-secret.html
 * https://docs.aws.amazon.com/AmazonECR/latest/userguide/pull-through-cache-iam.html
 */
export const rule = defineRule(
  {
    id: "MCP-DEPLOY-009",
    title: "Container images are reachable from the isolated VPC (ECR of the Region; a pull-through cache, if the plan has one, wired)",
    severity: "critical",
    references: [],
    remediation: `Run images from ECR of this Region (the kit images: ContainerImages.of, pushed by npm run images) and grant the execution role with ContainerImages.grantPull; an image of another registry needs a pull-through cache rule whose credential secret is named ${PULL_THROUGH_SECRET_PREFIX}…; see ${DOCS.pullThroughSecret} and ${DOCS.pullThroughIam}`,
  },
  (plan, _ctx, report) => {
    const region = planRegion(plan);
    const rules = plan.resources("aws_ecr_pull_through_cache_rule");
    for (const r of rules) {
      const cred = r.body.credential_arn;
      if (cred === undefined) {
        if (r.body.upstream_registry_url === "ghcr.io") report(r.address, "caches ghcr.io without credential_arn; ECR requires a credential for GitHub Container Registry");
        continue;
      }
      const secret = plan.target(cred, "aws_secretsmanager_secret");
      const name = secret ? secret.body.name : typeof cred === "string" && !cred.includes("${") ? cred.split(":").slice(6).join(":") : undefined;
      if (typeof name === "string" && !name.startsWith(PULL_THROUGH_SECRET_PREFIX)) report(r.address, `uses credential secret "${name}"; ECR accepts only secrets named ${PULL_THROUGH_SECRET_PREFIX}…`);
    }
    // With an internet or NAT gateway in the plan, tasks may reach other registries; only the cache wiring is judged.
    const isolated = plan.resources("aws_internet_gateway", "aws_nat_gateway").length === 0;
    const prefixes = rules.map((r) => r.body.ecr_repository_prefix).filter((p): p is string => typeof p === "string");
    const roles = rolePolicies(plan);
    const defs = plan.resources("aws_ecs_task_definition");
    for (const td of defs) {
      const containers = containersOf(plan, td);
      if (!containers.ok) continue; // The security pack reports unreadable container definitions.
      const cached = new Set<string>();
      for (const c of containers.value) {
        const image = c.image;
        if (typeof image !== "string") continue;
        const m = ECR_IMAGE.exec(image);
        if (!m) {
          if (isolated) report(td.address, `container "${c.name}" pulls ${image}, which is not ECR; tasks without an internet route cannot reach it`);
          continue;
        }
        if (isolated && region && !m[2].includes("${") && m[2] !== region) {
          report(td.address, `container "${c.name}" pulls from ECR in ${m[2]}, but the VPC endpoints reach only ECR of ${region}`);
          continue;
        }
        const repository = m[3].replace(/[@:].*$/, "");
        const prefix = prefixes.find((p) => repository.startsWith(`${p.replace(/\/$/, "")}/`));
        if (prefix) cached.add(prefix);
      }
      if (!cached.size) continue;
      const role = plan.target(td.body.execution_role_arn, "aws_iam_role");
      if (!role) continue;
      const statements = (roles.get(role) ?? []).filter((s) => s.effect === "Allow");
      for (const action of FIRST_PULL_ACTIONS) {
        const ok = statements.some((s) => s.actions.some((a) => actionMatches(a, action)) && s.resources.some((r) => typeof r === "string" && (r === "*" || [...cached].some((p) => r.includes(`repository/${p}`)) || referencesIn(r).length > 0)));
        if (!ok) report(td.address, `pulls through the cache (${[...cached].join(", ")}) but its execution role ${(role as PlanResource).address} lacks ${action} on those repositories, so the first pull fails`);
      }
    }
    return rules.length > 0 || defs.length > 0;
  },
);
