/**
 * The doors only a service or a node may use. With TLS on, the caller's
 * certificate must name it (identity.ts); a caller without one is
 * UNAUTHENTICATED, one naming someone else is PERMISSION_DENIED. With
 * GRPC_PLAINTEXT=true there are no identities to check: the services say so
 * at start.
 */
import { InvalidArgumentError, isValidId, PermissionDeniedError, UnauthenticatedError, UnavailableError } from "@tokengrid/domain";
import type { Metadata } from "@grpc/grpc-js";
import type { ApiKeyRecord } from "./api-keys.js";
import type { PeerCertificate } from "node:tls";
import { describePrincipal, type Principal } from "./identity.js";
import { peerPrincipal } from "./tls.js";

type Call = { getAuthContext(): { sslPeerCertificate?: PeerCertificate } };

/** Whether calls must prove who they are: on unless the server runs without TLS. */
export interface Enforcement {
  readonly identities: boolean;
}

function caller(call: Call, door: string, who: string): Principal {
  const p = peerPrincipal(call);
  if (!p)
    throw new UnauthenticatedError(
      `${door} is for ${who}: call with a certificate from the TokenGrid CA naming it (TLS_CERT_FILE, TLS_KEY_FILE; \`tokengrid certs issue\`)`,
    );
  return p;
}

/** The call comes from node `nodeId` of `operatorId`, as its certificate says. */
export function requireNode(call: Call, enforce: Enforcement, nodeId: string, operatorId?: string): void {
  if (!enforce.identities) return;
  const p = caller(call, "this door", "node agents");
  if (p.kind !== "node" || p.nodeId !== nodeId || (operatorId !== undefined && p.operatorId !== operatorId))
    throw new PermissionDeniedError(
      `the certificate names ${describePrincipal(p)}: it may not act as node ${nodeId}${operatorId === undefined ? "" : ` of operator ${operatorId}`}`,
    );
}

/** The call comes from the service `name`. */
export function requireService(call: Call, enforce: Enforcement, name: string, door: string): void {
  if (!enforce.identities) return;
  const p = caller(call, door, `the ${name}`);
  if (p.kind !== "service" || p.name !== name)
    throw new PermissionDeniedError(`${door} is for the ${name} only; the certificate names ${describePrincipal(p)}`);
}

/** Where a service finds API keys (the store in NATS KV). */
export interface KeyLookup {
  lookup(key: string): Promise<ApiKeyRecord | undefined>;
}

/** What a service checks callers with. */
export interface Guard extends Enforcement {
  readonly keys: KeyLookup;
  /** Each tenant's call rate (RESOURCE_EXHAUSTED beyond it). */
  readonly rate: (tenantId: string) => Promise<void>;
}

/** Who is calling: a service or node (by certificate), or the holder of an API key. */
export type Caller =
  | Principal
  | { kind: "tenant"; tenantId: string; keyId: string }
  | { kind: "operator"; operatorId: string; keyId: string }
  | { kind: "admin"; keyId: string };

type KeyedCall = Call & { metadata: Metadata };

const NO_KEY =
  "no API key: send `authorization: Bearer <key>` call metadata (the CLI takes TOKENGRID_API_KEY); an admin makes keys with `tokengrid keys create`";

/** The caller, from its API key, else its certificate; UNAUTHENTICATED with what to do when neither says. */
export async function callerOf(call: KeyedCall, guard: Guard): Promise<Caller> {
  const raw = call.metadata.get("authorization")[0];
  if (typeof raw === "string" && raw !== "") {
    const m = /^Bearer\s+(\S+)$/i.exec(raw);
    if (!m) throw new UnauthenticatedError("authorization: expected `Bearer <key>`");
    let r: ApiKeyRecord | undefined;
    try {
      r = await guard.keys.lookup(m[1]!);
    } catch (err) {
      throw new UnavailableError("cannot check the API key now (the key store in NATS did not answer); retry in a few seconds", {
        cause: err,
      });
    }
    if (!r) throw new UnauthenticatedError("the API key is not valid: revoked, mistyped, or never made");
    if (r.role === "tenant") return { kind: "tenant", tenantId: r.subject, keyId: r.keyId };
    if (r.role === "operator") return { kind: "operator", operatorId: r.subject, keyId: r.keyId };
    return { kind: "admin", keyId: r.keyId };
  }
  const p = guard.identities ? peerPrincipal(call) : undefined;
  if (p) return p;
  throw new UnauthenticatedError(NO_KEY);
}

/** The tenant named by `x-tenant-id`: for an admin acting for one, or the broker taking a hold. */
export function namedTenant(metadata: Metadata, who: string): string {
  const raw = metadata.get("x-tenant-id")[0];
  const tenant = typeof raw === "string" ? raw : "";
  if (tenant === "") throw new InvalidArgumentError("x-tenant-id", `${who} must name the tenant it acts for`);
  if (!isValidId(tenant)) throw new InvalidArgumentError("x-tenant-id", "1..64 letters, digits, '.', '_' or '-'");
  return tenant;
}

/**
 * The tenant a call acts for: a tenant key's own (it cannot name another);
 * an admin names one in `x-tenant-id`. Anyone else: PERMISSION_DENIED.
 */
export async function tenantOf(call: KeyedCall, guard: Guard): Promise<string> {
  const tenant = await actingTenant(call, guard);
  await guard.rate(tenant);
  return tenant;
}

async function actingTenant(call: KeyedCall, guard: Guard): Promise<string> {
  const c = await callerOf(call, guard);
  if (c.kind === "tenant") {
    const raw = call.metadata.get("x-tenant-id")[0];
    if (typeof raw === "string" && raw !== "" && raw !== c.tenantId)
      throw new PermissionDeniedError(`this API key is tenant ${c.tenantId}'s: it cannot act for tenant ${raw}`);
    return c.tenantId;
  }
  if (c.kind === "admin") return namedTenant(call.metadata, "an admin key");
  throw new PermissionDeniedError(`this door is for tenants; the caller is ${describeCaller(c)}`);
}

/**
 * The operator a call may see: an operator key's own (asking for another is
 * PERMISSION_DENIED); an admin's choice, undefined for all. Tenants: denied.
 */
export async function operatorOf(call: KeyedCall, guard: Guard, requested: string | undefined): Promise<string | undefined> {
  const c = await callerOf(call, guard);
  if (c.kind === "operator") {
    if (requested !== undefined && requested !== c.operatorId)
      throw new PermissionDeniedError(`this API key is operator ${c.operatorId}'s: it cannot see operator ${requested}'s`);
    return c.operatorId;
  }
  if (c.kind === "admin") return requested;
  throw new PermissionDeniedError(`this is for operators and admins; the caller is ${describeCaller(c)}`);
}

export function describeCaller(c: Caller): string {
  switch (c.kind) {
    case "tenant":
      return `tenant ${c.tenantId}`;
    case "operator":
      return `operator ${c.operatorId}`;
    case "admin":
      return "an admin";
    default:
      return describePrincipal(c);
  }
}
