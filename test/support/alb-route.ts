/**
 * Where an Application Load Balancer listener sends one request, read off a plan: rules by priority, the first whose
 * every condition holds wins (source-ip: any range contains the address; path-pattern and http-header: any value
 * matches, ALB wildcards, case-insensitive), else the default action.
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/application/rule-condition-types.html
 */
import { albWildcardMatch } from "../../lib/tier-routes";
import { contains, toCidr } from "../../lib/cidr";
import { TerraformJson } from "../../policy/types";
import { resources } from "../plans";

export interface AlbRequest {
  readonly ip: string;
  readonly path: string;
  readonly headers?: Readonly<Record<string, string>>;
}

export type AlbOutcome = { readonly rule: string; readonly targetGroup?: string; readonly fixed?: { readonly status: string; readonly contentType?: string; readonly body?: string } };

const addressOf = (ref: string) => /^\$\{([\w-]+\.[\w-]+)\.\w+\}$/.exec(ref)?.[1];

export function albRoute(plan: TerraformJson, listener: string, req: AlbRequest): AlbOutcome {
  const rules = resources(plan, "aws_lb_listener_rule")
    .filter(([, r]) => addressOf(r.listener_arn) === listener)
    .sort(([, a], [, b]) => a.priority - b.priority);
  const header = (name: string) => Object.entries(req.headers ?? {}).find(([k]) => k.toLowerCase() === name.toLowerCase())?.[1];
  const ip = toCidr(`${req.ip}/32`)!;
  const holds = (c: any): boolean => {
    if (c.source_ip) return c.source_ip.values.some((v: string) => contains(toCidr(v)!, ip));
    if (c.path_pattern) return c.path_pattern.values.some((v: string) => albWildcardMatch(v, req.path));
    if (c.http_header) {
      const value = header(c.http_header.http_header_name);
      return value !== undefined && c.http_header.values.some((v: string) => albWildcardMatch(v, value));
    }
    throw new Error(`condition ${JSON.stringify(c)} is not simulated`);
  };
  for (const [address, r] of rules) {
    if (r.condition.every(holds)) return outcome(address, r.action[0]);
  }
  const [, l] = resources(plan, "aws_lb_listener").find(([a]) => a === listener)!;
  return outcome(listener, l.default_action[0]);
}

function outcome(rule: string, a: any): AlbOutcome {
  if (a.type === "forward") return { rule, targetGroup: addressOf(a.target_group_arn) };
  return { rule, fixed: { status: a.fixed_response.status_code, contentType: a.fixed_response.content_type, body: a.fixed_response.message_body } };
}
