/**
 * mTLS over real connections: a server with a certificate from our CA learns
 * who a client is from the client's certificate; a client with none connects
 * but names no one; a certificate from another CA names no one either; a
 * client that does not trust the server's CA, or speaks plaintext, gets nowhere.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as grpc from "@grpc/grpc-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TlsSettings } from "@tokengrid/config";
import { createCa, describeCertificate, issueCertificate } from "./certs.js";
import { nodeIdentity, principalOf, serviceIdentity } from "./identity.js";
import { channelCredentials, peerPrincipal, serverCredentials } from "./tls.js";

const raw = (b: Buffer) => b;
const service: grpc.ServiceDefinition = {
  WhoAmI: {
    path: "/test.Who/WhoAmI",
    requestStream: false,
    responseStream: false,
    requestSerialize: raw,
    requestDeserialize: raw,
    responseSerialize: raw,
    responseDeserialize: raw,
  },
};
const Client = grpc.makeGenericClientConstructor(service, "Who");

let dir: string;
let server: grpc.Server;
let address: string;
const files: Record<string, string> = {};

async function write(name: string, pem: string): Promise<string> {
  const f = join(dir, name);
  await writeFile(f, pem, { mode: 0o600 });
  return f;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "tls-test-"));
  const ca = await createCa();
  const other = await createCa("Someone else's CA");
  const srv = await issueCertificate(ca, { identity: serviceIdentity("broker"), hosts: ["127.0.0.1", "localhost"] });
  const node = await issueCertificate(ca, { identity: nodeIdentity("op-west", "n-1") });
  const forged = await issueCertificate(other, { identity: nodeIdentity("op-west", "n-1") });
  files["ca"] = await write("ca.pem", ca.certPem);
  files["otherCa"] = await write("other-ca.pem", other.certPem);
  for (const [name, c] of Object.entries({ srv, node, forged })) {
    files[`${name}Cert`] = await write(`${name}.pem`, c.certPem);
    files[`${name}Key`] = await write(`${name}-key.pem`, c.keyPem);
  }
  server = new grpc.Server();
  server.addService(service, {
    WhoAmI: (call: grpc.ServerUnaryCall<Buffer, Buffer>, cb: grpc.sendUnaryData<Buffer>) =>
      cb(null, Buffer.from(JSON.stringify(peerPrincipal(call) ?? null))),
  });
  const creds = await serverCredentials({ mode: "mtls", caFile: files["ca"]!, certFile: files["srvCert"]!, keyFile: files["srvKey"]! });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync("127.0.0.1:0", creds, (e, p) => (e ? reject(e) : resolve(p))),
  );
  address = `127.0.0.1:${port}`;
});

afterAll(async () => {
  server?.forceShutdown();
  await rm(dir, { recursive: true, force: true });
});

function whoAmI(tls: TlsSettings): Promise<unknown> {
  const client = new Client(address, channelCredentials(tls));
  return new Promise((resolve, reject) =>
    client.makeUnaryRequest(
      "/test.Who/WhoAmI",
      raw,
      raw,
      Buffer.alloc(0),
      new grpc.Metadata(),
      { deadline: Date.now() + 5000 },
      (err: grpc.ServiceError | null, res?: Buffer) => {
        client.close();
        if (err) reject(err);
        else resolve(JSON.parse(res!.toString()));
      },
    ),
  );
}

describe("mutual TLS", () => {
  it("names the client its certificate names", async () => {
    expect(await whoAmI({ mode: "mtls", caFile: files["ca"]!, certFile: files["nodeCert"]!, keyFile: files["nodeKey"]! })).toEqual({
      kind: "node",
      operatorId: "op-west",
      nodeId: "n-1",
    });
  });

  it("lets a client without a certificate connect, naming no one", async () => {
    expect(await whoAmI({ mode: "tls", caFile: files["ca"]! })).toBeNull();
  });

  it("takes a certificate from another CA as no one's", async () => {
    expect(await whoAmI({ mode: "mtls", caFile: files["ca"]!, certFile: files["forgedCert"]!, keyFile: files["forgedKey"]! })).toBeNull();
  });

  it("refuses a client that does not trust the server's CA, and one that speaks plaintext", async () => {
    await expect(whoAmI({ mode: "tls", caFile: files["otherCa"]! })).rejects.toMatchObject({ code: grpc.status.UNAVAILABLE });
    await expect(whoAmI({ mode: "plaintext" })).rejects.toMatchObject({ code: grpc.status.UNAVAILABLE });
  });
});

describe("certificates", () => {
  it("carry the identity and hosts, issued by the CA", async () => {
    const ca = await createCa("Test CA");
    const c = describeCertificate(
      (await issueCertificate(ca, { identity: serviceIdentity("settlement"), hosts: ["10.0.0.7", "settle.local"] })).certPem,
    );
    expect(c.uris).toEqual(["spiffe://tokengrid/service/settlement"]);
    expect(c.hosts).toEqual(["10.0.0.7", "settle.local"]);
    expect(c.issuer).toContain("CN=Test CA");
  });

  it("identities parse back, and foreign or malformed ones name no one", () => {
    expect(principalOf(nodeIdentity("op", "n.1"))).toEqual({ kind: "node", operatorId: "op", nodeId: "n.1" });
    expect(principalOf("spiffe://other/service/broker")).toBeUndefined();
    expect(principalOf("spiffe://tokengrid/node/op")).toBeUndefined();
    expect(principalOf("spiffe://tokengrid/service/../x")).toBeUndefined();
  });
});
