/** Shared pieces of every gRPC server: binding with a clear error, and who is calling. */
import type * as grpc from "@grpc/grpc-js";
import { DependencyUnavailableError, InvalidArgumentError, isValidId, UnauthenticatedError } from "@tokengrid/domain";

/**
 * Binds the server to host:port (port 0 picks a free one) and returns the
 * address it listens on. A port in use is a clear error naming the variable.
 */
export async function bindServer(
  server: grpc.Server,
  address: string,
  what: string,
  envVar: string,
  credentials: grpc.ServerCredentials,
): Promise<string> {
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(address, credentials, (err, p) => (err ? reject(err) : resolve(p))),
  ).catch((err: unknown) => {
    throw new DependencyUnavailableError(`${what}'s listen address`, address, `free the port or set ${envVar} to another host:port`, err);
  });
  return `${address.slice(0, address.lastIndexOf(":"))}:${port}`;
}

/** The tenant a call acts for, from the `x-tenant-id` metadata. */
export function tenantFromMetadata(metadata: grpc.Metadata): string {
  const raw = metadata.get("x-tenant-id")[0];
  const tenant = typeof raw === "string" ? raw : "";
  if (tenant === "") throw new UnauthenticatedError("x-tenant-id: call metadata naming the tenant is required");
  if (!isValidId(tenant)) throw new InvalidArgumentError("x-tenant-id", "1..64 letters, digits, '.', '_' or '-'");
  return tenant;
}
