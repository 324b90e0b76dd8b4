/** What an operator sees when a service cannot start: one clear message, no stack trace. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ServiceProcess, serviceScript } from "@tokengrid/stack";
import { freePort, testCertificates, type TestCertificates } from "@tokengrid/stack/testing";

let tls: TestCertificates;
beforeAll(async () => {
  tls = await testCertificates("startup");
});
afterAll(() => tls?.cleanup());

async function startFailure(service: "broker" | "settlement" | "node-agent", env: Record<string, string>): Promise<string> {
  const p = new ServiceProcess({ name: service, script: serviceScript(service), env });
  try {
    await p.start(20_000);
  } catch (err) {
    return (err as Error).message;
  } finally {
    await p.kill();
  }
  throw new Error(`${service} started, but it should not have`);
}

describe("start-up failures", () => {
  it("names NATS, where it looked, and how to start it", async () => {
    const msg = await startFailure("broker", {
      ...tls.broker,
      NATS_URL: "nats://127.0.0.1:1",
      BROKER_ADDRESS: `127.0.0.1:${await freePort()}`,
    });
    expect(msg).toContain("exited (code 2)");
    expect(msg).toContain("NATS is not reachable at nats://127.0.0.1:1");
    expect(msg).toContain("To start it: start-stop-daemon");
    expect(msg).not.toMatch(/\n\s+at /);
  });

  it("names PostgreSQL, where it looked, and how to start it", async () => {
    const msg = await startFailure("settlement", {
      ...tls.settlement,
      DATABASE_URL: "postgres://postgres@127.0.0.1:1/tokengrid",
      SETTLEMENT_ADDRESS: `127.0.0.1:${await freePort()}`,
    });
    expect(msg).toContain("PostgreSQL is not reachable at postgres://postgres@127.0.0.1:1/tokengrid");
    expect(msg).toContain("pg_ctlcluster");
    expect(msg).not.toMatch(/\n\s+at /);
  });

  it("names the variable that is wrong", async () => {
    const msg = await startFailure("broker", { BROKER_ADDRESS: "not-an-address" });
    expect(msg).toContain("BROKER_ADDRESS: host:port");
    const agent = await startFailure("node-agent", {});
    expect(agent).toContain("NODE_CONFIG");
  });

  it("asks for its certificate, and says how to make one or to run without TLS", async () => {
    const msg = await startFailure("settlement", { SETTLEMENT_ADDRESS: `127.0.0.1:${await freePort()}` });
    expect(msg).toContain("exited (code 2)");
    expect(msg).toContain("TLS_CERT_FILE: required");
    expect(msg).toContain("tokengrid certs init");
    expect(msg).toContain("GRPC_PLAINTEXT=true");
    const unreadable = await startFailure("broker", { ...tls.broker, TLS_KEY_FILE: "/nonexistent/key.pem" });
    expect(unreadable).toContain("TLS_KEY_FILE: cannot read /nonexistent/key.pem");
    const notPem = await startFailure("broker", { ...tls.broker, TLS_KEY_FILE: tls.broker["TLS_CERT_FILE"]! });
    expect(notPem).toContain("TLS_KEY_FILE");
    expect(notPem).toContain("is not a PEM private key");
  });
});
