/**
 * Certificates for mTLS: a CA, and certificates it issues, each naming one
 * principal by a URI in its subject alternative names (see identity.ts).
 * ECDSA P-256 keys, SHA-256 signatures; PEM in and out. Made with
 * @peculiar/x509 on Node's WebCrypto (Node has no API to create certificates).
 */
// @peculiar/x509 resolves its parts through tsyringe, which needs the Reflect metadata API first.
import "reflect-metadata";
import { webcrypto, X509Certificate as NodeX509 } from "node:crypto";
import * as x509 from "@peculiar/x509";

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);
type CryptoKey = webcrypto.CryptoKey;
type CryptoKeyPair = webcrypto.CryptoKeyPair;
const subtle = webcrypto.subtle;
const ALG = { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" } as const;
const DAY_MS = 86_400_000;

export interface CertificateAuthority {
  certPem: string;
  keyPem: string;
}

export interface IssuedCertificate {
  certPem: string;
  keyPem: string;
}

export interface IssueOptions {
  /** The principal, as a URI (identity.ts makes them). */
  identity: string;
  /** Host names and IP addresses the holder serves on (for a server's certificate); none for a client only. */
  hosts?: readonly string[];
  /** Days it is valid; default 365. */
  days?: number;
  /** Common name, for people reading it; default the identity. */
  commonName?: string;
  /**
   * How far before now it becomes valid (clocks differ); default a minute. A
   * revoked node comes back only with a certificate valid from after its
   * revocation.
   */
  backdateMs?: number;
}

async function keyPair(): Promise<CryptoKeyPair> {
  return (await subtle.generateKey(ALG, true, ["sign", "verify"])) as CryptoKeyPair;
}

async function privateKeyPem(key: CryptoKey): Promise<string> {
  const der = await subtle.exportKey("pkcs8", key);
  return x509.PemConverter.encode(der, "PRIVATE KEY");
}

async function importPrivateKey(pem: string): Promise<CryptoKey> {
  const der = x509.PemConverter.decode(pem)[0];
  if (!der) throw new Error("no PEM private key found");
  return subtle.importKey("pkcs8", der, ALG, false, ["sign"]);
}

const dn = (cn: string) => `CN=${cn.replace(/[,+="\\<>;#]/g, "_")}, O=TokenGrid`;

/** A self-signed CA, valid `days` (default ten years). */
export async function createCa(name = "TokenGrid development CA", days = 3650): Promise<CertificateAuthority> {
  const keys = await keyPair();
  const now = Date.now();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    name: dn(name),
    keys,
    notBefore: new Date(now - 60_000),
    notAfter: new Date(now + days * DAY_MS),
    signingAlgorithm: ALG,
    extensions: [
      new x509.BasicConstraintsExtension(true, 1, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { certPem: cert.toString("pem"), keyPem: await privateKeyPem(keys.privateKey) };
}

const IP = /^(\d{1,3}\.){3}\d{1,3}$|:/;

/** A certificate for `identity`, signed by the CA: good for both ends of a connection (server and client). */
export async function issueCertificate(ca: CertificateAuthority, o: IssueOptions): Promise<IssuedCertificate> {
  const keys = await keyPair();
  const caCert = new x509.X509Certificate(ca.certPem);
  const signingKey = await importPrivateKey(ca.keyPem);
  const now = Date.now();
  const names: x509.JsonGeneralName[] = [
    { type: "url", value: o.identity },
    ...(o.hosts ?? []).map((h): x509.JsonGeneralName => ({ type: IP.test(h) ? "ip" : "dns", value: h })),
  ];
  const cert = await x509.X509CertificateGenerator.create({
    subject: dn(o.commonName ?? o.identity),
    issuer: caCert.subject,
    publicKey: keys.publicKey,
    signingKey,
    notBefore: new Date(now - (o.backdateMs ?? 60_000)),
    notAfter: new Date(now + (o.days ?? 365) * DAY_MS),
    signingAlgorithm: ALG,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyAgreement, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth, x509.ExtendedKeyUsage.clientAuth]),
      new x509.SubjectAlternativeNameExtension(names),
      await x509.AuthorityKeyIdentifierExtension.create(caCert),
    ],
  });
  return { certPem: cert.toString("pem"), keyPem: await privateKeyPem(keys.privateKey) };
}

/** What a certificate says, for `tokengrid certs show` and checks: its URIs, hosts, issuer and validity. */
export function describeCertificate(pem: string): { subject: string; issuer: string; uris: string[]; hosts: string[]; validTo: string } {
  const c = new NodeX509(pem);
  const sans = (c.subjectAltName ?? "").split(/,\s*/).filter(Boolean);
  return {
    subject: c.subject.replace(/\n/g, ", "),
    issuer: c.issuer.replace(/\n/g, ", "),
    uris: sans.filter((s) => s.startsWith("URI:")).map((s) => s.slice(4)),
    hosts: sans.filter((s) => s.startsWith("DNS:") || s.startsWith("IP Address:")).map((s) => s.slice(s.indexOf(":") + 1)),
    validTo: new Date(c.validTo).toISOString(),
  };
}

/** A key pair and a certificate request for it (the key never leaves the node). */
export async function createCsr(commonName: string): Promise<{ csrPem: string; keyPem: string }> {
  const keys = await keyPair();
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({ name: dn(commonName), keys, signingAlgorithm: ALG });
  return { csrPem: csr.toString("pem"), keyPem: await privateKeyPem(keys.privateKey) };
}

/** The request, if it is PEM and its signature holds (the requester has the key); else throws, saying which. */
export async function verifyCsr(csrPem: string): Promise<x509.Pkcs10CertificateRequest> {
  let csr: x509.Pkcs10CertificateRequest;
  try {
    csr = new x509.Pkcs10CertificateRequest(csrPem);
  } catch (err) {
    throw new Error(`not a PEM certificate request (${(err as Error).message})`);
  }
  if (!(await csr.verify())) throw new Error("the certificate request's signature does not match its key");
  return csr;
}

/**
 * Issues a certificate for the key in `csrPem`, naming `identity` (whatever
 * names the request asks for are ignored: the issuer decides who it is).
 * Throws when the request is not valid PEM or its signature does not hold.
 */
export async function signCsr(ca: CertificateAuthority, csrPem: string, identity: string, days = 365): Promise<string> {
  const csr = await verifyCsr(csrPem);
  const caCert = new x509.X509Certificate(ca.certPem);
  const now = Date.now();
  const cert = await x509.X509CertificateGenerator.create({
    subject: dn(identity),
    issuer: caCert.subject,
    publicKey: csr.publicKey,
    signingKey: await importPrivateKey(ca.keyPem),
    // Valid from now: a node revoked before comes back only with a certificate issued after.
    notBefore: new Date(now),
    notAfter: new Date(now + days * DAY_MS),
    signingAlgorithm: ALG,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyAgreement, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.clientAuth]),
      new x509.SubjectAlternativeNameExtension([{ type: "url", value: identity }]),
      await x509.AuthorityKeyIdentifierExtension.create(caCert),
    ],
  });
  return cert.toString("pem");
}
