import { rule } from "../../../policy/rules/mcp-cache-004";
import { goodContainer, judge, lines, taskPlan } from "../fixtures";

const gateway = (env: Record<string, string>) => taskPlan([{ ...goodContainer, name: "mcp-gateway", environment: Object.entries(env).map(([name, value]) => ({ name, value })) }]);
const URL = "rediss://mcp-prod-gateway@master.mcp-prod-gateway.abc.use1.cache.amazonaws.com:6379/0";

describe("MCP-CACHE-004 cache clients verify the server", () => {
  it("passes rediss:// with verification on (redis-py's default, or said in the URL) and the kit's entry script parts", () => {
    expect(judge(rule, gateway({ REDIS_URL: URL, REDIS_SSL: "true" })).verdict).toBe("pass");
    expect(judge(rule, gateway({ REDIS_URL: `${URL}?ssl_cert_reqs=required&ssl_check_hostname=true` })).verdict).toBe("pass");
    expect(judge(rule, gateway({ KIT_REDIS_HOST: "master.mcp-prod-gateway.abc.use1.cache.amazonaws.com", REDIS_SSL: "true" })).verdict).toBe("pass");
  });

  it("fails plain redis://, and a URL that turns verification off", () => {
    expect(lines(judge(rule, gateway({ REDIS_URL: "redis://cache.internal:6379/0" })))).toEqual([
      'aws_ecs_task_definition.mcp: container "mcp-gateway" has a REDIS_URL without TLS (redis://): the cache\'s password and data cross the network in clear',
    ]);
    expect(lines(judge(rule, gateway({ REDIS_URL: `${URL}?ssl_cert_reqs=none&ssl_check_hostname=False` })))).toEqual([
      'aws_ecs_task_definition.mcp: container "mcp-gateway" has REDIS_URL with ssl_cert_reqs=none: the server\'s certificate is not required to verify',
      'aws_ecs_task_definition.mcp: container "mcp-gateway" has REDIS_URL with ssl_check_hostname=False: any certificate from a trusted CA is accepted for the cache',
    ]);
  });

  it("fails Context Forge's REDIS_SSL_CHECK_HOSTNAME=false, which sets ssl_cert_reqs none (utils/redis_client.py:114-117)", () => {
    expect(lines(judge(rule, gateway({ KIT_REDIS_HOST: "cache.internal", REDIS_SSL_CHECK_HOSTNAME: "false" })))).toEqual([
      'aws_ecs_task_definition.mcp: container "mcp-gateway" has REDIS_SSL_CHECK_HOSTNAME false: Context Forge then connects with ssl_cert_reqs none, verifying no certificate',
    ]);
  });

  it("does not apply to containers without a cache", () => {
    expect(judge(rule, taskPlan([goodContainer])).verdict).toBe("not-applicable");
  });
});
