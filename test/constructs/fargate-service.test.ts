import { Testing } from "cdktf";
import { FargateService, FargateServiceProps } from "../../constructs/fargate-service";
import { ServiceRole } from "../../constructs/service-role";
import { ReadableSecret } from "../../lib/container";
import { TerraformJson } from "../../policy/types";
import { McpStack } from "../../stacks/mcp-stack";
import { resourceAt, resources, shippedConfigs, synthStack } from "../helpers";
import { shippedPlan } from "../plans";

/** `${aws_x.name.attr}` → `aws_x.name`. */
const addressIn = (ref: string) => /^\$\{([^.]+\.[^.]+)\./.exec(ref)![1];
const byAddress = (plan: TerraformJson, address: string) => {
  const [type, name] = address.split(".");
  return plan.resource![type][name] as any;
};
/** The statements of a role's inline policy (ServiceRole renders one, "least-privilege"). */
const statementsOf = (plan: TerraformJson, roleArn: string): any[] => {
  const role = addressIn(roleArn);
  const policies = resources(plan, "aws_iam_role_policy").filter(([, p]) => p.role === `\${${role}.id}`);
  return policies.flatMap(([, p]) => JSON.parse(p.policy).Statement);
};
const list = (x: string | string[]) => (Array.isArray(x) ? x : [x]);
/** The secret ARN of an ECS `valueFrom`: `<arn>` or `<arn>:<json key>::` (lib/container.ts valueFrom). */
const secretOf = (valueFrom: string) => /^(.*):[^:]+::$/.exec(valueFrom)?.[1] ?? valueFrom;

/** Every ECS service of a plan with its task definition and its one container. */
function ecsServices(plan: TerraformJson) {
  return resources(plan, "aws_ecs_service").map(([address, service]) => {
    const task = byAddress(plan, addressIn(service.task_definition));
    const containers = JSON.parse(task.container_definitions);
    return { address, path: String(service["//"].metadata.path), service, task, containers, container: containers[0] };
  });
}

describe("FargateService: every ECS service of the kit is one", () => {
  const envs = ["dev", "staging", "prod"];

  it("runs both the MCP tiers and the gateway, and nothing else, in every shipped environment", () => {
    for (const env of envs) {
      const paths = ecsServices(shippedPlan(env)).map((s) => s.path.replace(`mcp-${env}/`, ""));
      expect(paths).toContain("gateway/service");
      expect(paths.filter((p) => /^mcp\/[^/]+\/service$/.test(p)).length).toBeGreaterThan(0);
      expect(paths.every((p) => p === "gateway/service" || /^mcp\/[^/]+\/service$/.test(p))).toBe(true);
    }
  });

  it("hardens every container: non-root, read-only root, no privilege, all capabilities dropped, init process, awslogs", () => {
    for (const env of envs) {
      for (const { path, container, containers } of ecsServices(shippedPlan(env))) {
        expect(containers).toHaveLength(1);
        // The users are traced to the images in mcp-service.test.ts (appuser) and gateway-service.test.ts (10001).
        expect(container.user).toEqual(expect.any(String));
        expect(container.user).not.toMatch(/^(root|0)(:|$)/);
        expect(container).toMatchObject({
          essential: true,
          readonlyRootFilesystem: true,
          privileged: false,
          linuxParameters: { initProcessEnabled: true, capabilities: { add: [], drop: ["ALL"] } },
          logConfiguration: { logDriver: "awslogs" },
        });
        // Secrets arrive from Secrets Manager only: nothing in `environment` looks like a credential.
        for (const e of container.environment) expect(`${path} ${e.name}`).not.toMatch(/(PASS|PASSWORD|SECRET|SECRET_KEY|TOKEN|PRIVATE_KEY|API_KEY)$/i);
      }
    }
  });

  it("gives every writable path a task volume and no volume without a mount", () => {
    for (const env of envs) {
      for (const { path, task, container } of ecsServices(shippedPlan(env))) {
        const volumes = (task.volume as any[]).map((v) => v.name).sort();
        const mounted = (container.mountPoints as any[]).map((m) => m.sourceVolume).sort();
        expect(`${path}: ${mounted.join(",")}`).toBe(`${path}: ${volumes.join(",")}`);
        // The only non-task storage (the gateway's SQLite on EFS in dev) is mounted over TLS through an access point as the task role.
        for (const v of (task.volume as any[]).filter((x) => x.efs_volume_configuration)) {
          expect(v.efs_volume_configuration).toMatchObject({ transit_encryption: "ENABLED", authorization_config: { iam: "ENABLED" } });
          expect(task.task_role_arn).toBeDefined();
        }
      }
    }
  });

  it("runs Fargate tasks whose execution role reads exactly the secrets their container references", () => {
    for (const env of envs) {
      const plan = shippedPlan(env);
      for (const { path, task, container } of ecsServices(plan)) {
        expect(task).toMatchObject({ requires_compatibilities: ["FARGATE"], network_mode: "awsvpc", runtime_platform: { operating_system_family: "LINUX" } });
        const referenced = new Set((container.secrets as any[]).map((s) => secretOf(s.valueFrom)));
        const statements = statementsOf(plan, task.execution_role_arn);
        const readable = new Set(statements.filter((s) => list(s.Action).includes("secretsmanager:GetSecretValue")).flatMap((s) => list(s.Resource)));
        expect([...readable].sort()).toEqual([...referenced].sort());
        expect(referenced.size).toBeGreaterThan(0);
        // Its log grant is its own log group's streams, nothing wider.
        const logs = statements.filter((s) => list(s.Action).includes("logs:PutLogEvents"));
        expect(logs.map((s) => s.Resource)).toEqual([`${container.logConfiguration.options["awslogs-group"].replace(/\.name\}$/, ".arn}")}:log-stream:*`]);
        expect(`${path} ${statements.some((s) => list(s.Resource).includes("*") && !list(s.Action).every((a: string) => a === "ecr:GetAuthorizationToken"))}`).toBe(`${path} false`);
      }
    }
  });

  it("deploys every service in the private subnets without public IP, rolled back on failure, without ECS Exec, behind its target group and in Cloud Map", () => {
    for (const env of envs) {
      const plan = shippedPlan(env);
      const privateSubnets = resources(plan, "aws_subnet").map(([a]) => `\${${a}.id}`);
      // Every subnet is private: the VPC has no internet gateway.
      expect(resources(plan, "aws_internet_gateway")).toEqual([]);
      for (const { service, container } of ecsServices(plan)) {
        expect(service).toMatchObject({
          launch_type: "FARGATE",
          platform_version: "LATEST",
          deployment_circuit_breaker: { enable: true, rollback: true },
          enable_execute_command: false,
          propagate_tags: "SERVICE",
          enable_ecs_managed_tags: true,
          network_configuration: { assign_public_ip: false, subnets: privateSubnets },
          load_balancer: [{ container_name: container.name, container_port: container.portMappings[0].containerPort }],
        });
        expect(byAddress(plan, addressIn(service.service_registries.registry_arn)).dns_config.routing_policy).toBe("MULTIVALUE");
        // ECS refuses a target group no listener uses yet: the service waits for a listener or one of its rules.
        const listeners = [...resources(plan, "aws_lb_listener"), ...resources(plan, "aws_lb_listener_rule")].map(([a]) => a);
        expect(listeners).toContain(service.depends_on[0]);
        // ... and for the VPC endpoints its tasks pull images and read secrets through (MCP-DEPLOY-018).
        expect(service.depends_on).toEqual(expect.arrayContaining(resources(plan, "aws_vpc_endpoint").map(([a]) => a)));
      }
    }
  });
});

/** A secret that is not the kit's: FargateService only needs an ARN, first values and a grant. */
const fakeSecret = (name: string): ReadableSecret => ({
  arn: `arn:aws:secretsmanager:us-east-1:123456789012:secret:mcp/dev/${name}-AbCdEf`,
  firstValue: [],
  grantRead: (role) => (role as ServiceRole).addToPolicy({ sid: `Read${name.replace(/[^A-Za-z0-9]/g, "")}`, actions: ["secretsmanager:GetSecretValue"], resources: [`arn:aws:secretsmanager:us-east-1:123456789012:secret:mcp/dev/${name}-AbCdEf`] }),
});

/** A service on the dev stack's network, cluster, load balancer and images, with a small container. */
function probeProps(st: McpStack, id: string, overrides: Partial<FargateServiceProps> = {}): FargateServiceProps {
  const port = 8080;
  const secret = fakeSecret(id);
  return {
    env: st.env,
    name: `mcp-dev-${id}`,
    cluster: st.cluster,
    network: st.network,
    securityGroup: st.access.taskGroup,
    images: st.images,
    image: st.images.of("ibmi-mcp-server"),
    logGroup: st.logs.mcpServer,
    executionRoleDescription: `Starts the ${id} tasks`,
    logGrantSid: "WriteProbeLogs",
    container: {
      name: id,
      user: "appuser",
      port,
      environment: { MODE: "probe" },
      secrets: { PROBE_USER: { secret, jsonKey: "user" }, PROBE_PASS: { secret, jsonKey: "password" } },
      scratch: [{ volume: "tmp", path: "/tmp" }],
      healthCheck: ["true"],
      startPeriodSeconds: 10,
      streamPrefix: id,
    },
    loadBalancer: st.loadBalancer,
    targetGroup: st.loadBalancer.addTarget(id, { name: `mcp-dev-${id}`, port, healthCheckPath: "/", label: id }),
    discovery: { name: id, description: `the ${id} tasks` },
    ...overrides,
  };
}

describe("FargateService options", () => {
  let plan: TerraformJson;
  beforeAll(() => {
    plan = synthStack(shippedConfigs().dev, (st) => {
      new FargateService(st, "probe-defaults", probeProps(st, "probe-defaults"));
      new FargateService(st, "probe-options", {
        ...probeProps(st, "probe-options"),
        taskRoleDescription: "The probe's tasks: nothing granted",
        cpu: 1024,
        memoryMiB: 2048,
        desiredCount: 3,
        minimumHealthyPercent: 50,
        maximumPercent: 150,
        healthCheckGracePeriodSeconds: 90,
        rebalanceZones: true,
        tags: { probe: "yes" },
        startAfter: [st.logs.mcpServer],
      });
    }).plan;
  });

  it("defaults to one task, rolling 100–200 %, 60 s grace, 512 cpu and 1 GiB, no task role, no tags, no rebalancing", () => {
    const s = resourceAt(plan, "aws_ecs_service", "probe-defaults/service");
    expect(s).toMatchObject({ name: "mcp-dev-probe-defaults", desired_count: 1, deployment_minimum_healthy_percent: 100, deployment_maximum_percent: 200, health_check_grace_period_seconds: 60 });
    expect(s.availability_zone_rebalancing).toBeUndefined();
    expect(s.tags).toBeUndefined();
    const task = resourceAt(plan, "aws_ecs_task_definition", "probe-defaults/task");
    expect(task).toMatchObject({ family: "mcp-dev-probe-defaults", cpu: "512", memory: "1024", volume: [{ name: "tmp" }] });
    expect(task.task_role_arn).toBeUndefined();
    expect(resources(plan, "aws_iam_role").filter(([, r]) => r.name === "mcp-dev-probe-defaults-task")).toEqual([]);
  });

  it("grants the execution role its image, its log streams and each referenced secret once", () => {
    const sids = JSON.parse(resourceAt(plan, "aws_iam_role_policy", "probe-defaults/execution-role/policy").policy).Statement.map((s: any) => s.Sid);
    expect(sids).toEqual(["EcrAuthorizationToken", "EcrPullImages", "WriteProbeLogs", "Readprobedefaults"]);
    expect(resourceAt(plan, "aws_iam_role", "probe-defaults/execution-role/role")).toMatchObject({ name: "mcp-dev-probe-defaults-execution", description: "Starts the probe-defaults tasks" });
  });

  it("takes size, count, deployment percentages, grace, rebalancing, tags, a task role and what else to wait for", () => {
    const s = resourceAt(plan, "aws_ecs_service", "probe-options/service");
    expect(s).toMatchObject({ desired_count: 3, deployment_minimum_healthy_percent: 50, deployment_maximum_percent: 150, health_check_grace_period_seconds: 90, availability_zone_rebalancing: "ENABLED", tags: { probe: "yes" } });
    const logGroup = resources(plan, "aws_cloudwatch_log_group").find(([, r]) => String(r["//"].metadata.path).endsWith("audit-logs/mcp-server"))![0];
    expect(s.depends_on[s.depends_on.length - 1]).toBe(logGroup);
    const task = resourceAt(plan, "aws_ecs_task_definition", "probe-options/task");
    expect(task).toMatchObject({ cpu: "1024", memory: "2048", tags: { probe: "yes" } });
    expect(resourceAt(plan, "aws_service_discovery_service", "probe-options/discovery").tags).toEqual({ probe: "yes" });
    // Not "task-role" in the address: secret scanners read "…sk-role_policy…" as an API key.
    const role = resources(plan, "aws_iam_role").find(([, r]) => r.name === "mcp-dev-probe-options-task")!;
    expect(role[0]).toContain("app-role");
    expect(task.task_role_arn).toBe(`\${${role[0]}.arn}`);
  });
});

describe("FargateService errors", () => {
  const st = new McpStack(Testing.app(), shippedConfigs().dev);
  const efsLike = { name: "data", efsVolumeConfiguration: { fileSystemId: "fs-0123456789abcdef0", transitEncryption: "ENABLED" } };

  it("refuses storage without a task role to mount it with", () => {
    expect(() => new FargateService(st, "no-role", { ...probeProps(st, "no-role"), storage: () => ({ volumes: [efsLike], ready: [] }) })).toThrow("mcp-dev/no-role: storage is mounted with the task role: give taskRoleDescription");
  });

  it("refuses a storage volume the container does not mount", () => {
    expect(() => new FargateService(st, "unmounted", { ...probeProps(st, "unmounted"), taskRoleDescription: "probe", storage: () => ({ volumes: [efsLike], ready: [] }) })).toThrow(
      'mcp-dev/unmounted: volume "data" is mounted nowhere in container unmounted',
    );
  });

  it("refuses a container running as root (lib/container.ts)", () => {
    const props = probeProps(st, "as-root");
    expect(() => new FargateService(st, "as-root", { ...props, container: { ...props.container, user: "0:0" } })).toThrow("container as-root: runs as root");
  });
});
