/** A small isolated VPC for the endpoint and rotation fixtures: one subnet, endpoints by service suffix. */
import { ref } from "../fixtures";

export function endpoint(service: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const gateway = service === "s3";
  return {
    vpc_id: ref("aws_vpc.vpc"),
    service_name: `com.amazonaws.us-east-1.${service}`,
    vpc_endpoint_type: gateway ? "Gateway" : "Interface",
    ...(gateway ? { route_table_ids: [ref("aws_route_table.private")] } : { private_dns_enabled: true, subnet_ids: [ref("aws_subnet.a")], security_group_ids: [ref("aws_security_group.endpoints")] }),
    ...extra,
  };
}

export function endpoints(...services: string[]): Record<string, Record<string, unknown>> {
  return Object.fromEntries(services.map((s) => [s.replace(/\./g, "-"), endpoint(s)]));
}

export const NETWORK = {
  aws_vpc: { vpc: { cidr_block: "10.42.0.0/20" } },
  aws_subnet: { a: { vpc_id: ref("aws_vpc.vpc"), cidr_block: "10.42.0.0/22" } },
  aws_route_table: { private: { vpc_id: ref("aws_vpc.vpc") } },
};
