import { defineRule } from "../rule";
import { eachContainer, environmentOf } from "../documents";
import { show } from "../plan";
import { urlQuery } from "../databases";

/** redis-py's false spellings for URL flags (redis/connection.py to_bool, FALSE_STRINGS). */
const FALSE = /^(0|f|false|n|no)$/i;

/**
 * ElastiCache's in-transit encryption authenticates the server only if the client checks its certificate. redis-py
 * (8.1.0, Context Forge v1.0.8's) verifies by default for rediss:// (ssl_cert_reqs "required", ssl_check_hostname true,
 * the system trust store), and URL parameters win over the client's own arguments (connection.py from_url), so two
 * things downgrade it silently: a URL that says ssl_cert_reqs=none|optional or ssl_check_hostname=false, and Context
 * Forge's REDIS_SSL_CHECK_HOSTNAME=false, which sets ssl_cert_reqs "none" for the clients it builds from its settings
 * (mcpgateway/utils/redis_client.py:114-117). A plain redis:// URL has no TLS at all.
 */
export const rule = defineRule(
  {
    id: "MCP-CACHE-004",
    title: "Cache clients verify the server's certificate and host name (rediss://, no verification turned off)",
    severity: "high",
    references: ["CWE-295"],
    remediation: "Use a rediss:// REDIS_URL without ssl_cert_reqs=none|optional or ssl_check_hostname=false, and leave REDIS_SSL_CHECK_HOSTNAME unset or true (the kit's gateway composes rediss://…?ssl_cert_reqs=required&ssl_check_hostname=true).",
  },
  (plan, _ctx, report) => {
    let clients = 0;
    eachContainer(plan, report, (td, c, label) => {
      const env = Object.fromEntries(environmentOf(c).map((e) => [e.name, e.value]));
      const url = env.REDIS_URL;
      if (url === undefined && env.KIT_REDIS_HOST === undefined) return;
      clients++;
      if (typeof env.REDIS_SSL_CHECK_HOSTNAME === "string" && FALSE.test(env.REDIS_SSL_CHECK_HOSTNAME))
        report(td.address, `${label} has REDIS_SSL_CHECK_HOSTNAME ${show(env.REDIS_SSL_CHECK_HOSTNAME)}: Context Forge then connects with ssl_cert_reqs none, verifying no certificate`);
      if (typeof url !== "string") return;
      if (!url.startsWith("rediss://")) {
        report(td.address, `${label} has a REDIS_URL without TLS (${url.split(":")[0]}://): the cache's password and data cross the network in clear`);
        return;
      }
      const query = urlQuery(url);
      const reqs = query.get("ssl_cert_reqs");
      if (reqs !== null && reqs !== "required") report(td.address, `${label} has REDIS_URL with ssl_cert_reqs=${reqs}: the server's certificate is not required to verify`);
      const host = query.get("ssl_check_hostname");
      if (host !== null && FALSE.test(host)) report(td.address, `${label} has REDIS_URL with ssl_check_hostname=${host}: any certificate from a trusted CA is accepted for the cache`);
    });
    return clients > 0;
  },
);
