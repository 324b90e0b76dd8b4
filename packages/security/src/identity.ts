/**
 * Who is calling. Services and nodes prove who they are with a certificate
 * from the TokenGrid CA (mTLS); the certificate names them by a URI in its
 * subject alternative names:
 *
 *   spiffe://tokengrid/service/<name>              broker, settlement
 *   spiffe://tokengrid/node/<operator_id>/<node_id> one node agent
 *
 * (SPIFFE's form, so that a SPIFFE issuer such as SPIRE can take over issuing.)
 */
import type { PeerCertificate } from "node:tls";

export const TRUST_DOMAIN = "spiffe://tokengrid";

export type Principal = { kind: "service"; name: string } | { kind: "node"; operatorId: string; nodeId: string };

const PART = /^[A-Za-z0-9._-]{1,64}$/;

export function serviceIdentity(name: string): string {
  if (!PART.test(name)) throw new Error(`service name ${JSON.stringify(name)}: 1..64 letters, digits, '.', '_' or '-'`);
  return `${TRUST_DOMAIN}/service/${name}`;
}

export function nodeIdentity(operatorId: string, nodeId: string): string {
  for (const [what, v] of [
    ["operator id", operatorId],
    ["node id", nodeId],
  ] as const)
    if (!PART.test(v)) throw new Error(`${what} ${JSON.stringify(v)}: 1..64 letters, digits, '.', '_' or '-'`);
  return `${TRUST_DOMAIN}/node/${operatorId}/${nodeId}`;
}

/** The principal a URI names, or undefined when it names none of ours. */
export function principalOf(uri: string): Principal | undefined {
  if (!uri.startsWith(`${TRUST_DOMAIN}/`)) return undefined;
  const parts = uri.slice(TRUST_DOMAIN.length + 1).split("/");
  if (parts.some((p) => !PART.test(p))) return undefined;
  if (parts[0] === "service" && parts.length === 2) return { kind: "service", name: parts[1]! };
  if (parts[0] === "node" && parts.length === 3) return { kind: "node", operatorId: parts[1]!, nodeId: parts[2]! };
  return undefined;
}

/**
 * The principal a verified peer certificate names. gRPC hands over the peer's
 * certificate only when it chained to our CA; one naming no principal of ours
 * (or several) names none.
 */
export function principalFromCertificate(cert: PeerCertificate | undefined): Principal | undefined {
  const sans = (cert?.subjectaltname ?? "").split(/,\s*/);
  const ours = sans.filter((s) => s.startsWith(`URI:${TRUST_DOMAIN}/`)).map((s) => principalOf(s.slice(4)));
  return ours.length === 1 ? ours[0] : undefined;
}

export function describePrincipal(p: Principal): string {
  return p.kind === "service" ? `service ${p.name}` : `node ${p.nodeId} of operator ${p.operatorId}`;
}
