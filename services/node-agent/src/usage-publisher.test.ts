/**
 * A NATS outage and a crash lose no usage: against a nats-server of the
 * test's own, killed while the agent goes on metering, and an agent that dies
 * before NATS returns.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { usageBatchCodec } from "@tokengrid/contracts";
import { AckPolicy, connectNats, ensureStreams, jetstream, jetStreamManager, names, type NatsConnection } from "@tokengrid/events";
import { ownNats, type OwnNats } from "@tokengrid/stack/testing";
import { createLogger } from "@tokengrid/telemetry";
import { Outbox } from "./outbox.js";
import { UsagePublisher } from "./usage-publisher.js";

const n = names("t_outage");
const log = createLogger("test", "silent");
let nats: OwnNats;
let dir: string;

beforeAll(async () => {
  nats = await ownNats("outage");
  dir = await mkdtemp(join(tmpdir(), "outbox-outage-"));
});
afterAll(async () => {
  await nats?.cleanup();
  await rm(dir, { recursive: true, force: true });
});

const event = (seq: number) => ({
  eventId: `job-o#0.1:n-o:${seq}`,
  jobId: "job-o",
  tenantId: "t1",
  nodeId: "n-o",
  amountMst: "1000",
  seq,
});

async function streamEventIds(nc: NatsConnection): Promise<string[]> {
  const jsm = await jetStreamManager(nc, nats.url);
  await jsm.consumers.add(n.usageStream, { durable_name: "check", ack_policy: AckPolicy.None });
  const consumer = await jetstream(nc).consumers.get(n.usageStream, "check");
  const ids: string[] = [];
  const info = await jsm.streams.info(n.usageStream);
  const iter = await consumer.fetch({ max_messages: info.state.messages, expires: 2000 });
  for await (const m of iter)
    ids.push(
      ...usageBatchCodec()
        .decode(m.data)
        .events.map((e) => e.eventId),
    );
  return ids;
}

describe("usage through a NATS outage and an agent crash", () => {
  it("keeps every event written during the outage on disk, and publishes it after a restart", async () => {
    const nc = await connectNats(nats.url, "outage-agent-1");
    await ensureStreams(await jetStreamManager(nc, nats.url), n);
    const outbox = await Outbox.open(dir, 1 << 20);
    const publisher = new UsagePublisher(jetstream(nc), log, outbox, n.usageSubject("n-o"));
    const acks: Promise<void>[] = [];
    for (let i = 1; i <= 5; i++) acks.push((await publisher.record(event(i), {})).acked);
    await Promise.all(acks);
    expect(outbox.size).toBe(0);

    await nats.kill();
    // NATS is gone: recording still succeeds, because the outbox has it, synced.
    for (let i = 6; i <= 25; i++) await publisher.record(event(i), {});
    expect(outbox.size).toBe(20);
    // The agent dies before NATS comes back (nothing is flushed or closed).
    publisher.stop();
    void nc.close().catch(() => {});

    await nats.start();
    const nc2 = await connectNats(nats.url, "outage-agent-2");
    try {
      const outbox2 = await Outbox.open(dir, 1 << 20);
      expect(outbox2.size).toBe(20);
      const publisher2 = new UsagePublisher(jetstream(nc2), log, outbox2, n.usageSubject("n-o"));
      const deadline = Date.now() + 20_000;
      while (publisher2.backlog > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(publisher2.backlog).toBe(0);
      expect(outbox2.size).toBe(0);
      const ids = await streamEventIds(nc2);
      // Every event reached the stream; none was invented.
      expect([...new Set(ids)].sort()).toEqual(Array.from({ length: 25 }, (_, i) => event(i + 1).eventId).sort());
      publisher2.stop();
      await outbox2.close();
    } finally {
      await nc2.close();
    }
  });
});
