/**
 * The negative matrix against the running services (real processes, mTLS,
 * NATS, PostgreSQL): each way of acting as someone else is refused with the
 * right status, and nothing changes. (Issue #7; usage checks and rates are
 * not in it yet.)
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as grpc from "@grpc/grpc-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { toTimestamp, usageBatchCodec } from "@tokengrid/contracts";
import type {
  CreateEnrolmentResponse__Output,
  GetJobResponse__Output,
  GetStatementResponse__Output,
  ListJobsResponse__Output,
  ListNodesResponse__Output,
  RegisterRequest,
  SubmitJobResponse__Output,
} from "@tokengrid/contracts";
import { CertDir, channelCredentials, createCsr, describeCertificate, nodeIdentity } from "@tokengrid/security";
import type { TlsSettings } from "@tokengrid/config";
import { ApiKeyStore, connectNats, jetstream, names } from "@tokengrid/events";
import pg from "pg";
import { agentConfigYaml, REPO_ROOT, ServiceProcess, serviceScript, startStack, type Stack } from "@tokengrid/stack";
import { eventually, freePort, testEnv, type TestEnv } from "@tokengrid/stack/testing";
import { accountClient, failure, jobClient, keyMetadata, nodeClient, unary } from "./helpers.js";

const A = { nodeId: "sec-a", operatorId: "op-a", cluster: "guian", accelerators: [{ model: "ascend-910b", count: 8 }] };
const B = { nodeId: "sec-b", operatorId: "op-b", cluster: "horinger", accelerators: [{ model: "nvidia-h100-sxm", count: 8 }] };

let env: TestEnv;
let stack: Stack;
let otherCa: CertDir;
const keys: Record<string, string> = {};
let jobA: string;

beforeAll(async () => {
  env = await testEnv("security");
  stack = await startStack({
    namespace: env.namespace,
    natsUrl: env.natsUrl,
    databaseUrl: env.databaseUrl,
    brokerAddress: `127.0.0.1:${await freePort()}`,
    settlementAddress: `127.0.0.1:${await freePort()}`,
    agents: [A, B],
    logLevel: "info",
  });
  for (const [name, role, subject] of [
    ["alice", "tenant", "alice"],
    ["bob", "tenant", "bob"],
    ["opA", "operator", "op-a"],
    ["admin", "admin", ""],
  ] as const)
    keys[name] = await stack.apiKey(role, subject);
  otherCa = new CertDir(mkdtempSync(join(tmpdir(), "other-ca-")));
  await otherCa.ca(true);
  const accounts = accountClient(stack.options.settlementAddress, stack.tls);
  await unary((cb) => accounts.PurchasePackage({ requestId: "sec-buy", packageId: "enterprise-100b" }, keyMetadata(keys["alice"]!), cb));
  accounts.close();
  const jobs = jobClient(stack.options.brokerAddress, stack.tls);
  jobA = (
    await unary<SubmitJobResponse__Output>((cb) =>
      jobs.SubmitJob({ requestId: "sec-1", spec: { kind: "JOB_KIND_BATCH", sizeSt: "1000", devices: 1 } }, keyMetadata(keys["alice"]!), cb),
    )
  ).job!.jobId;
  jobs.close();
});

afterAll(async () => {
  await stack?.stop();
  await env?.cleanup();
  if (otherCa) rmSync(otherCa.dir, { recursive: true, force: true });
});

const registration = (nodeId: string, operatorId: string): RegisterRequest => ({
  nodeId,
  operatorId,
  cluster: "guian",
  agentVersion: "test",
  accelerators: [{ model: "ascend-910b", count: 1 }],
});

async function register(tls: TlsSettings, req: RegisterRequest): Promise<grpc.ServiceError | "registered"> {
  const c = nodeClient(stack.options.brokerAddress, tls);
  try {
    await unary((cb) => c.Register(req, new grpc.Metadata(), { deadline: Date.now() + 5000 }, cb));
    return "registered";
  } catch (err) {
    return err as grpc.ServiceError;
  } finally {
    c.close();
  }
}

const allNodes = async () => {
  const c = nodeClient(stack.options.brokerAddress, stack.tls);
  try {
    const r = await unary<ListNodesResponse__Output>((cb) => c.ListNodes({}, keyMetadata(keys["admin"]!), cb));
    return r.nodes.map((n) => `${n.nodeId}/${n.operatorId}`).sort();
  } finally {
    c.close();
  }
};

describe("node identity", () => {
  it("a node registers only as the node its certificate names; others are refused and nothing changes", async () => {
    const before = await allNodes();
    expect(before).toEqual(["sec-a/op-a", "sec-b/op-b"]);
    const aCert = await stack.certs.issue("probe-sec-a", { identity: nodeIdentity("op-a", "sec-a") });
    const foreign = await otherCa.issue("foreign-sec-a", { identity: nodeIdentity("op-a", "sec-a") });
    const cases: [string, TlsSettings, RegisterRequest, grpc.status][] = [
      ["no certificate", stack.tls, registration("sec-a", "op-a"), grpc.status.UNAUTHENTICATED],
      [
        "a certificate from another CA",
        { ...foreign, caFile: stack.tls.caFile },
        registration("sec-a", "op-a"),
        grpc.status.UNAUTHENTICATED,
      ],
      ["another node's identity", aCert, registration("sec-b", "op-b"), grpc.status.PERMISSION_DENIED],
      ["its own id under another operator", aCert, registration("sec-a", "op-b"), grpc.status.PERMISSION_DENIED],
      ["a new node id", aCert, registration("sec-new", "op-a"), grpc.status.PERMISSION_DENIED],
    ];
    for (const [what, tls, req, code] of cases) {
      const r = await register(tls, req);
      expect(r, what).not.toBe("registered");
      expect((r as grpc.ServiceError).code, `${what}: ${(r as grpc.ServiceError).details}`).toBe(code);
    }
    expect(await allNodes()).toEqual(before);
    // The same certificate, as itself, is taken: the refusals above were about identity, nothing else.
    expect(await register(aCert, registration("sec-a", "op-a"))).toBe("registered");
  });

  it("a client that does not trust the broker's CA does not connect", async () => {
    const r = await register({ mode: "tls", caFile: otherCa.caFile }, registration("sec-a", "op-a"));
    expect((r as grpc.ServiceError).code).toBe(grpc.status.UNAVAILABLE);
  });
});

describe("usage is checked before it is paid", () => {
  it("forged usage on NATS — from a node the job was not placed on, or beyond what its devices can do — is quarantined, not paid", async () => {
    const c = jobClient(stack.options.brokerAddress, stack.tls);
    const alice = keyMetadata(keys["alice"]!);
    const done = await eventually("alice's job finished", async () => {
      const j = (await unary<GetJobResponse__Output>((cb) => c.GetJob({ jobId: jobA }, alice, cb))).job!;
      return j.state === "JOB_STATE_SUCCEEDED" ? j : undefined;
    });
    c.close();
    const placed = done.nodeId;
    // Its last placement (an earlier one may have been on the other node: usage from there, under that attempt, is due).
    const attempt = done.transitions.filter((t) => t.state === "JOB_STATE_SCHEDULED").length;
    const other = placed === A.nodeId ? B : A;
    const db = new pg.Client({ connectionString: env.databaseUrl });
    await db.connect();
    try {
      const settled = async () =>
        (await db.query<{ n: string }>("select coalesce(sum(amount_mst), 0)::text as n from usage_events where job_id = $1", [jobA]))
          .rows[0]!.n;
      // Settled, and no more coming (a probe above may have made the job run again: more than its size is fine here).
      let last = "";
      const before = await eventually(
        "the job's usage settled",
        async () => {
          const n = await settled();
          const stable = n === last && BigInt(n) >= BigInt(done.sizeMst);
          last = n;
          return stable ? n : undefined;
        },
        30_000,
        700,
      );
      const nc = await connectNats(env.natsUrl, "sec-forger");
      // Named as an agent names its events (job#replica.attempt:node:seq), with a seq past any the job's run sent.
      const forged = (node: typeof A, amountMst: string) =>
        usageBatchCodec().encode({
          events: [
            {
              eventId: `${jobA}#0.${attempt}:${node.nodeId}:99`,
              jobId: jobA,
              tenantId: "alice",
              nodeId: node.nodeId,
              operatorId: node.operatorId,
              cluster: node.cluster,
              deviceModel: node.accelerators[0]!.model,
              deviceCount: 1,
              amountMst,
              seq: 99,
              periodStartTime: toTimestamp(Date.now() - 1000),
              periodEndTime: toTimestamp(Date.now()),
              final: false,
              attempt,
              replica: 0,
            },
          ],
        });
      const js = jetstream(nc);
      const n = names(env.namespace);
      await js.publish(n.usageSubject(other.nodeId), forged(other, "1000"), {
        msgID: "forged:1",
      });
      const own = placed === A.nodeId ? A : B;
      await js.publish(n.usageSubject(own.nodeId), forged(own, "999999999999"), {
        msgID: "forged:2",
      });
      await nc.close();
      const held = await eventually("both quarantined", async () => {
        const r = await db.query<{ node_id: string; reason: string }>(
          "select node_id, reason from usage_quarantine where job_id = $1 and event_id like '%:99'",
          [jobA],
        );
        return r.rows.length === 2 ? r.rows : undefined;
      });
      const byNode = Object.fromEntries(held.map((r) => [r.node_id, r.reason]));
      expect(byNode[other.nodeId]).toMatch(
        new RegExp(`from node ${other.nodeId}, but replica 0 of job ${jobA} \\(attempt ${attempt}\\) was assigned to node ${placed}`),
      );
      expect(byNode[own.nodeId]).toMatch(new RegExp(`more than 1 × ${own.accelerators[0]!.model} can do \\(at most \\d+ mST\\)`));
      expect(await settled()).toBe(before);
      // Operators and analysts see it.
      const cli = spawnSync(
        process.execPath,
        [join(REPO_ROOT, "packages/cli/dist/main.js"), "--json", "report", "quarantine", "--by", "node", "--database", env.databaseUrl],
        { encoding: "utf8" },
      );
      expect(cli.status, cli.stderr).toBe(0);
      const rows = (JSON.parse(cli.stdout) as { rows: string[][] }).rows;
      expect(new Set(rows.map((r) => r[0]))).toEqual(new Set([A.nodeId, B.nodeId]));
    } finally {
      await db.end();
    }
  });
});

describe("enrolling a node", () => {
  it("an operator's one-time token gets the node its certificate, once; a bad request does not use it up", async () => {
    const opB = keyMetadata(await stack.apiKey("operator", "op-b"));
    const c = nodeClient(stack.options.brokerAddress, stack.tls);
    const dir = mkdtempSync(join(tmpdir(), "enrol-"));
    let agent: ServiceProcess | undefined;
    try {
      const denied = await failure(
        unary((cb) => c.CreateEnrolment({ nodeId: "sec-new", operatorId: "op-b" }, keyMetadata(keys["opA"]!), cb)),
      );
      expect(denied.code).toBe(grpc.status.PERMISSION_DENIED);
      // Nor can an operator enrol, as its own, a node another operator has (the registry knows, whichever broker leads).
      const takeover = await failure(
        unary((cb) => c.CreateEnrolment({ nodeId: "sec-b", operatorId: "op-a" }, keyMetadata(keys["opA"]!), cb)),
      );
      expect(takeover.code).toBe(grpc.status.PERMISSION_DENIED);
      expect(takeover.details).toMatch(/node sec-b is operator op-b's/);
      const { token } = await unary<CreateEnrolmentResponse__Output>((cb) =>
        c.CreateEnrolment({ nodeId: "sec-new", operatorId: "op-b" }, opB, cb),
      );
      expect(token).toMatch(/^tge_/);
      // A request that is not one: refused, and the token is still good.
      const bad = await failure(
        unary((cb) => c.Enrol({ token, csrPem: "-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----" }, cb)),
      );
      expect(bad.code).toBe(grpc.status.INVALID_ARGUMENT);

      // The agent, with the token and no certificate, enrols and takes its place.
      const nodeFile = join(dir, "node.yaml");
      writeFileSync(
        nodeFile,
        agentConfigYaml(
          { nodeId: "sec-new", operatorId: "op-b", cluster: "guian", accelerators: [{ model: "ascend-910b", count: 1 }] },
          join(tmpdir(), "tokengrid-jobs-sec-new"),
        ),
      );
      agent = new ServiceProcess({
        name: "agent sec-new",
        script: serviceScript("node-agent"),
        env: {
          NODE_CONFIG: nodeFile,
          BROKER_ADDRESS: stack.options.brokerAddress,
          NATS_URL: env.natsUrl,
          TOKENGRID_NAMESPACE: env.namespace,
          OUTBOX_DIR: join(dir, "outbox"),
          LOG_LEVEL: "info",
          ENROLMENT_TOKEN: token,
          TLS_CA_FILE: stack.tls.caFile,
          TLS_CERT_FILE: join(dir, "tls", "node.pem"),
          TLS_KEY_FILE: join(dir, "tls", "node-key.pem"),
        },
      });
      await agent.start();
      expect(describeCertificate(readFileSync(join(dir, "tls", "node.pem"), "utf8")).uris).toEqual([nodeIdentity("op-b", "sec-new")]);
      const online = await eventually("the enrolled node online", async () => {
        const r = await unary<ListNodesResponse__Output>((cb) => c.ListNodes({}, opB, cb));
        return r.nodes.find((n) => n.nodeId === "sec-new" && n.state === "NODE_STATE_ONLINE");
      });
      expect(online.operatorId).toBe("op-b");
      // Once only.
      const { csrPem } = await createCsr("again");
      const reuse = await failure(unary((cb) => c.Enrol({ token, csrPem }, cb)));
      expect(reuse.code).toBe(grpc.status.UNAUTHENTICATED);
    } finally {
      await agent?.stop();
      c.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("revoking a node", () => {
  it("refuses it at once, on its open stream and at every register; only the node's operator may; a later certificate lets it back", async () => {
    const opB = await stack.apiKey("operator", "op-b");
    const c = nodeClient(stack.options.brokerAddress, stack.tls);
    const nodeState = async (nodeId: string) =>
      (await unary<ListNodesResponse__Output>((cb) => c.ListNodes({}, keyMetadata(keys["admin"]!), cb))).nodes.find(
        (n) => n.nodeId === nodeId,
      )?.state;
    try {
      expect(await nodeState("sec-b")).toBe("NODE_STATE_ONLINE");
      // Another operator cannot revoke it; nor can a tenant.
      for (const [key, code] of [
        [keys["opA"]!, grpc.status.PERMISSION_DENIED],
        [keys["alice"]!, grpc.status.PERMISSION_DENIED],
      ] as const) {
        const err = await failure(unary((cb) => c.RevokeNode({ nodeId: "sec-b", operatorId: "op-b" }, keyMetadata(key), cb)));
        expect(err.code, err.details).toBe(code);
      }
      const posing = await failure(unary((cb) => c.RevokeNode({ nodeId: "sec-b", operatorId: "op-a" }, keyMetadata(keys["opA"]!), cb)));
      expect(posing.code).toBe(grpc.status.PERMISSION_DENIED);
      expect(await nodeState("sec-b")).toBe("NODE_STATE_ONLINE");

      await unary((cb) => c.RevokeNode({ nodeId: "sec-b", operatorId: "op-b", reason: "stolen" }, keyMetadata(opB), cb));
      // At once: its stream is closed and it is not online.
      expect(await nodeState("sec-b")).toBe("NODE_STATE_LOST");
      const refusal = await stack.agents
        .get("sec-b")!
        .waitForLine((l) => l["msg"] === "the broker refused this node; fix its config", 10_000);
      expect(String(refusal["detail"])).toMatch(/revoked/);
      // Its certificate is refused wherever it goes.
      const again = await register(await stack.certs.issue("probe-sec-b-old", { identity: nodeIdentity("op-b", "sec-b") }), {
        ...registration("sec-b", "op-b"),
        cluster: "horinger",
      });
      expect((again as grpc.ServiceError).code).toBe(grpc.status.PERMISSION_DENIED);
      expect((again as grpc.ServiceError).details).toMatch(/was revoked at .* \(stolen\)/);
      // A certificate issued after the revocation lets it back.
      await new Promise((r) => setTimeout(r, 1100));
      const fresh = await stack.certs.issue("probe-sec-b-new", { identity: nodeIdentity("op-b", "sec-b"), backdateMs: 0 });
      expect(await register(fresh, { ...registration("sec-b", "op-b"), cluster: "horinger" })).toBe("registered");
    } finally {
      c.close();
    }
  });
});

describe("API keys and roles", () => {
  const jobs = () => jobClient(stack.options.brokerAddress, stack.tls);
  const listJobs = async (md: grpc.Metadata) => {
    const c = jobs();
    try {
      return (await unary<ListJobsResponse__Output>((cb) => c.ListJobs({}, md, cb))).jobs.map((j) => j.jobId);
    } finally {
      c.close();
    }
  };

  it("a tenant sees and acts on only its own jobs", async () => {
    const c = jobs();
    const bob = keyMetadata(keys["bob"]!);
    try {
      expect((await failure(unary((cb) => c.GetJob({ jobId: jobA }, bob, cb)))).code).toBe(grpc.status.NOT_FOUND);
      expect((await failure(unary((cb) => c.CancelJob({ jobId: jobA }, bob, cb)))).code).toBe(grpc.status.NOT_FOUND);
      // Naming another tenant with one's own key.
      const posing = keyMetadata(keys["bob"]!, { "x-tenant-id": "alice" });
      const err = await failure(unary((cb) => c.ListJobs({}, posing, cb)));
      expect(err.code).toBe(grpc.status.PERMISSION_DENIED);
      expect(err.details).toContain("tenant bob's");
      expect(await listJobs(bob)).toEqual([]);
      expect(await listJobs(keyMetadata(keys["alice"]!))).toEqual([jobA]);
      // An admin acts for a tenant by naming it.
      expect(await listJobs(keyMetadata(keys["admin"]!, { "x-tenant-id": "alice" }))).toEqual([jobA]);
    } finally {
      c.close();
    }
  });

  it("no key, a malformed key, an unknown key: UNAUTHENTICATED; a revoked key is refused at once", async () => {
    const c = jobs();
    try {
      for (const md of [new grpc.Metadata(), keyMetadata("not-a-key"), keyMetadata(`tg_${"0".repeat(16)}_${"A".repeat(43)}`)]) {
        const err = await failure(unary((cb) => c.ListJobs({}, md, cb)));
        expect(err.code, err.details).toBe(grpc.status.UNAUTHENTICATED);
      }
      const raw = new grpc.Metadata();
      raw.set("authorization", keys["alice"]!);
      expect((await failure(unary((cb) => c.ListJobs({}, raw, cb)))).code).toBe(grpc.status.UNAUTHENTICATED);

      const doomed = await stack.apiKey("tenant", "alice", "to revoke");
      expect(await listJobs(keyMetadata(doomed))).toEqual([jobA]);
      const nc = await connectNats(env.natsUrl, "sec-revoke");
      const store = await ApiKeyStore.open(nc, names(env.namespace).apiKeysBucket);
      const id = (await store.list()).find((r) => r.label === "to revoke")!.keyId;
      expect(await store.revoke(id)).toBe(true);
      await nc.close();
      // Both doors refuse it as soon as the revocation reaches them (a watch, not a poll).
      await eventually(
        "the broker refusing the revoked key",
        async () => {
          const err = await failure(unary((cb) => c.ListJobs({}, keyMetadata(doomed), cb)));
          return err.code === grpc.status.UNAUTHENTICATED ? true : undefined;
        },
        2000,
        50,
      );
      const accounts = accountClient(stack.options.settlementAddress, stack.tls);
      await eventually(
        "settlement refusing the revoked key",
        async () => {
          const err = await failure(unary((cb) => accounts.GetBalance({}, keyMetadata(doomed), cb)));
          return err.code === grpc.status.UNAUTHENTICATED ? true : undefined;
        },
        2000,
        50,
      );
      accounts.close();
    } finally {
      c.close();
    }
  });

  it("operators see their own nodes and earnings only; tenants neither", async () => {
    const nodes = nodeClient(stack.options.brokerAddress, stack.tls);
    const accounts = accountClient(stack.options.settlementAddress, stack.tls);
    try {
      const mine = await unary<ListNodesResponse__Output>((cb) => nodes.ListNodes({}, keyMetadata(keys["opA"]!), cb));
      expect(mine.nodes.map((n) => n.nodeId)).toEqual(["sec-a"]);
      const tenantAsks = await failure(unary((cb) => nodes.ListNodes({}, keyMetadata(keys["alice"]!), cb)));
      expect(tenantAsks.code).toBe(grpc.status.PERMISSION_DENIED);

      const statement = (md: grpc.Metadata) =>
        unary<GetStatementResponse__Output>((cb) => accounts.GetStatement({ period: "STATEMENT_PERIOD_DAY" }, md, cb));
      await statement(keyMetadata(keys["opA"]!, { "x-operator-id": "op-a" }));
      const theirs = await failure(statement(keyMetadata(keys["opA"]!, { "x-operator-id": "op-b" })));
      expect(theirs.code).toBe(grpc.status.PERMISSION_DENIED);
      const tenantPeeks = await failure(statement(keyMetadata(keys["alice"]!, { "x-operator-id": "op-a" })));
      expect(tenantPeeks.code).toBe(grpc.status.PERMISSION_DENIED);
      // An operator's key is not a tenant's: it cannot buy or submit.
      const buys = await failure(
        unary((cb) => accounts.PurchasePackage({ requestId: "op-buy", packageId: "starter-10m" }, keyMetadata(keys["opA"]!), cb)),
      );
      expect(buys.code).toBe(grpc.status.PERMISSION_DENIED);
    } finally {
      nodes.close();
      accounts.close();
    }
  });

  it("only the broker takes holds: a tenant calling Authorize itself is refused, and nothing is held", async () => {
    const accounts = accountClient(stack.options.settlementAddress, stack.tls);
    try {
      const held = async () => (await unary<{ heldMst: string }>((cb) => accounts.GetBalance({}, keyMetadata(keys["alice"]!), cb))).heldMst;
      const before = await held();
      const md = keyMetadata(keys["alice"]!, { "x-tenant-id": "alice" });
      const err = await failure(unary((cb) => accounts.Authorize({ jobId: "j-forged", amountMst: "1000000" }, md, cb)));
      expect(err.code).toBe(grpc.status.UNAUTHENTICATED);
      expect(await held()).toBe(before);
    } finally {
      accounts.close();
    }
  });
});

describe("limits", () => {
  it("each tenant has its own call rate: a flood is refused with when to retry, and other tenants go on", async () => {
    const c = jobClient(stack.options.brokerAddress, stack.tls);
    try {
      const flood = await Promise.all(
        Array.from({ length: 400 }, () =>
          unary((cb) => c.ListJobs({}, keyMetadata(keys["alice"]!), cb)).then(
            () => "ok",
            (err: grpc.ServiceError) => err,
          ),
        ),
      );
      const refused = flood.filter((r): r is grpc.ServiceError => r !== "ok");
      expect(refused.length).toBeGreaterThan(0);
      expect(refused.every((e) => e.code === grpc.status.RESOURCE_EXHAUSTED)).toBe(true);
      expect(refused[0]!.details).toMatch(/tenant alice is over its rate \(100 calls a second, TENANT_RATE_PER_SECOND\); retry in \d+ ms/);
      // Bob is not slowed by Alice.
      expect(await unary<ListJobsResponse__Output>((cb) => c.ListJobs({}, keyMetadata(keys["bob"]!), cb))).toMatchObject({ jobs: [] });
    } finally {
      c.close();
    }
  });

  it("a request over the size limit is refused, and one that is not a message is INVALID_ARGUMENT", async () => {
    const c = jobClient(stack.options.brokerAddress, stack.tls);
    try {
      const huge = await failure(unary((cb) => c.GetJob({ jobId: "x".repeat(2 << 20) }, keyMetadata(keys["bob"]!), cb)));
      expect(huge.code).toBe(grpc.status.RESOURCE_EXHAUSTED);
      const raw = new grpc.Client(stack.options.brokerAddress, channelCredentials(stack.tls));
      const bad = await new Promise<grpc.ServiceError>((resolve) =>
        raw.makeUnaryRequest(
          "/tokengrid.job.v1.JobService/SubmitJob",
          (b: Buffer) => b,
          (b: Buffer) => b,
          Buffer.from([0x0a, 0xff, 0xff]),
          keyMetadata(keys["bob"]!),
          (err) => resolve(err!),
        ),
      );
      raw.close();
      expect(bad.code).toBe(grpc.status.INVALID_ARGUMENT);
      expect(bad.details).toMatch(/^not a valid SubmitJob request/);
    } finally {
      c.close();
    }
  });
});
