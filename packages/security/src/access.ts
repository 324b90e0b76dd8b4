/**
 * The doors only a service or a node may use. With TLS on, the caller's
 * certificate must name it (identity.ts); a caller without one is
 * UNAUTHENTICATED, one naming someone else is PERMISSION_DENIED. With
 * GRPC_PLAINTEXT=true there are no identities to check: the services say so
 * at start.
 */
import { PermissionDeniedError, UnauthenticatedError } from "@tokengrid/domain";
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
