/**
 * deploy/nats/auth.conf on a nats-server of the test's own: each service and
 * each node agent has its own user; an agent may publish its own node's usage
 * and nothing else — not another node's usage, not the API keys, and it
 * cannot read anyone's usage. A wrong password gets no connection.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  AckPolicy,
  ApiKeyStore,
  connectNats,
  ensureStreams,
  jetstream,
  jetStreamManager,
  names,
  NodeRegistry,
  type NatsConnection,
} from "@tokengrid/events";
import { REPO_ROOT } from "@tokengrid/stack";
import { ownNats, type OwnNats } from "@tokengrid/stack/testing";

const PASSWORDS = {
  TOKENGRID_NATS_BROKER_PASSWORD: "broker-secret",
  TOKENGRID_NATS_SETTLEMENT_PASSWORD: "settlement-secret",
  TOKENGRID_NATS_ADMIN_PASSWORD: "admin-secret",
  TOKENGRID_NATS_NODE_GUIAN_910B_01_PASSWORD: "guian-secret",
  TOKENGRID_NATS_NODE_HORINGER_H100_01_PASSWORD: "horinger-secret",
};
// The namespace the deploy file is written for.
const n = names("tokengrid");
let nats: OwnNats;
const open: NatsConnection[] = [];

const as = async (user: string, pass: string) => {
  const nc = await connectNats(nats.url, `perm-${user}`, { user, pass });
  open.push(nc);
  return nc;
};

beforeAll(async () => {
  // The file as deployed (nats-server resolves includes against the including file, so it is read in here).
  nats = await ownNats("perms", { config: readFileSync(join(REPO_ROOT, "deploy", "nats", "auth.conf"), "utf8"), env: PASSWORDS });
  // The broker makes the streams, as at start.
  await ensureStreams(await jetStreamManager(await as("broker", "broker-secret"), nats.url), n);
});

afterAll(async () => {
  for (const nc of open) await nc.close().catch(() => undefined);
  await nats?.cleanup();
});

describe("NATS users from deploy/nats/auth.conf", () => {
  it("a node agent publishes its own usage, and nothing else", async () => {
    const agent = await as("node-guian-910b-01", "guian-secret");
    const js = jetstream(agent, { timeout: 2000 });
    const ack = await js.publish(n.usageSubject("guian-910b-01"), new Uint8Array([1]), { msgID: "own-1" });
    expect(ack.stream).toBe(n.usageStream);
    // Another node's usage: the server refuses the publish, so JetStream never acknowledges it.
    await expect(js.publish(n.usageSubject("horinger-h100-01"), new Uint8Array([2]), { msgID: "forged-1" })).rejects.toThrow(
      /permissions violation|timeout/i,
    );
    // Nor can it write API keys (the bucket exists: an admin made it).
    await ApiKeyStore.open(await as("admin", "admin-secret"), n.apiKeysBucket);
    await expect(jetstream(agent, { timeout: 2000 }).publish(`$KV.${n.apiKeysBucket}.k.forged`, new Uint8Array([3]))).rejects.toThrow(
      /permissions violation|timeout/i,
    );
    const info = await (await jetStreamManager(await as("admin", "admin-secret"), nats.url)).streams.info(n.usageStream);
    expect(info.state.messages).toBe(1);
  });

  it("a node agent publishes its own jobs' output, and no other node's", async () => {
    const agent = await as("node-guian-910b-01", "guian-secret");
    const js = jetstream(agent, { timeout: 2000 });
    const ack = await js.publish(n.logSubject("guian-910b-01", "j-1", 0), new Uint8Array([1]), { msgID: "log-1" });
    expect(ack.stream).toBe(n.logsStream);
    await expect(js.publish(n.logSubject("horinger-h100-01", "j-1", 0), new Uint8Array([2]), { msgID: "log-forged" })).rejects.toThrow(
      /permissions violation|timeout/i,
    );
  });

  it("a node agent cannot read others' usage, or create consumers", async () => {
    const agent = await as("node-horinger-h100-01", "horinger-secret");
    const errors: Error[] = [];
    void (async () => {
      for await (const s of agent.status()) if (s.type === "error") errors.push(s.error);
    })();
    const sub = agent.subscribe(n.usageSubjects);
    await agent.flush().catch(() => undefined);
    await new Promise((r) => setTimeout(r, 300));
    expect(errors.some((e) => /permissions violation/i.test(e.message))).toBe(true);
    sub.unsubscribe();
    await expect(jetStreamManager(agent, nats.url).then((m) => m.streams.info(n.usageStream))).rejects.toThrow(
      /permissions violation|timeout|jetstream/i,
    );
  });

  it("an agent cannot read the replies meant for others", async () => {
    const agent = await as("node-guian-910b-01", "guian-secret");
    const errors: Error[] = [];
    void (async () => {
      for await (const s of agent.status()) if (s.type === "error") errors.push(s.error);
    })();
    for (const subject of ["_INBOX.>", "_INBOX_broker.>", "_INBOX_node-horinger-h100-01.>"]) agent.subscribe(subject);
    await agent.flush().catch(() => undefined);
    await new Promise((r) => setTimeout(r, 300));
    expect(errors.filter((e) => /permissions violation/i.test(e.message)).length).toBeGreaterThanOrEqual(3);
  });

  it("the broker keeps its node registry (KV create, put, get, watch); settlement consumes usage: each under its own user", async () => {
    const broker = await as("broker", "broker-secret");
    const registry = await NodeRegistry.open(broker, n.nodesBucket);
    expect(await registry.claim("guian-910b-01", "op-west")).toBe("op-west");
    const seen: string[] = [];
    const stop = await registry.watch((r) => seen.push(r.nodeId!));
    await registry.put({ nodeId: "guian-910b-01", operatorId: "op-west", cluster: "guian", accelerators: [], energy: {} });
    await new Promise((r) => setTimeout(r, 300));
    stop();
    expect(seen).toContain("guian-910b-01");

    const settlement = await as("settlement", "settlement-secret");
    const jsm = await jetStreamManager(settlement, nats.url);
    await jsm.consumers.add(n.usageStream, { durable_name: "perm-check", ack_policy: AckPolicy.Explicit });
    const consumer = await jetstream(settlement).consumers.get(n.usageStream, "perm-check");
    const m = await consumer.next({ expires: 2000 });
    expect(m?.subject).toBe(n.usageSubject("guian-910b-01"));
    m!.ack();
  });

  it("settlement reads usage; a wrong password gets no connection", async () => {
    const settlement = await as("settlement", "settlement-secret");
    const info = await (await jetStreamManager(settlement, nats.url)).streams.info(n.usageStream);
    expect(info.config.name).toBe(n.usageStream);
    await expect(connectNats(nats.url, "perm-bad", { user: "broker", pass: "wrong" })).rejects.toThrow(/authorization|not reachable/i);
  });
});
