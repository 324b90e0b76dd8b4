/** The batch consumer against a real NATS JetStream, on a stream of its own. */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_NATS_URL } from "@tokengrid/config";
import { jetstream, type JetStreamManager } from "@nats-io/jetstream";
import { connectNats, jetStreamManager, type NatsConnection } from "./nats.js";
import { startBatchConsumer } from "./batch-consumer.js";

const url = process.env["NATS_URL"] ?? DEFAULT_NATS_URL;
const prefix = `T_BATCH_${randomBytes(4).toString("hex").toUpperCase()}`;
let nc: NatsConnection;
let jsm: JetStreamManager;
const made: string[] = [];

beforeAll(async () => {
  nc = await connectNats(url, "batch-consumer-test");
  jsm = await jetStreamManager(nc, url);
});
afterAll(async () => {
  for (const s of made) await jsm?.streams.delete(s).catch(() => {});
  await nc?.close();
});

/** A stream of its own for each test, holding the numbers 0..n-1 as messages. */
async function publish(name: string, n: number): Promise<string> {
  const stream = `${prefix}_${name.toUpperCase()}`;
  await jsm.streams.add({ name: stream, subjects: [`${stream.toLowerCase()}.>`] });
  made.push(stream);
  const js = jetstream(nc);
  await Promise.all(Array.from({ length: n }, (_, i) => js.publish(`${stream.toLowerCase()}.x`, new TextEncoder().encode(String(i)))));
  return stream;
}

const until = async (what: string, ok: () => boolean, ms = 10_000) => {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe("batch consumer", () => {
  it("hands over every message once, in batches no larger than asked, each prepared", async () => {
    const stream = await publish("a", 300);
    const batches: number[][] = [];
    const c = await startBatchConsumer(jsm, jetstream(nc), {
      stream,
      durable: "a",
      maxBatch: 40,
      prepare: (m) => Number(new TextDecoder().decode(m.data)),
      handle: async (_msgs, values) => {
        batches.push(values);
        await new Promise((r) => setTimeout(r, 5));
      },
      onError: () => {},
    });
    await until("300 messages", () => batches.flat().length >= 300);
    await c.stop();
    expect(batches.flat().sort((x, y) => x - y)).toEqual(Array.from({ length: 300 }, (_, i) => i));
    expect(Math.max(...batches.map((b) => b.length))).toBeLessThanOrEqual(40);
    // Under a backlog, batches fill up: fewer, larger transactions.
    expect(batches.length).toBeLessThan(300 / 10);
  });

  it("terminates a message it cannot prepare, and goes on with the rest", async () => {
    const stream = await publish("b", 10);
    const got: number[] = [];
    const c = await startBatchConsumer(jsm, jetstream(nc), {
      stream,
      durable: "b",
      maxBatch: 100,
      prepare: (m) => {
        const v = Number(new TextDecoder().decode(m.data));
        if (v === 3) throw new Error("not a number we take");
        return v;
      },
      handle: async (_msgs, values) => void got.push(...values),
      onError: () => {},
    });
    await until("9 messages", () => got.length >= 9);
    await c.stop();
    expect(got.sort((x, y) => x - y)).toEqual([0, 1, 2, 4, 5, 6, 7, 8, 9]);
    // The terminated message is done with too: nothing pending, nothing to redeliver.
    let info = await jsm.consumers.info(stream, "b");
    for (let i = 0; i < 50 && info.num_ack_pending > 0; i++) {
      await new Promise((r) => setTimeout(r, 20));
      info = await jsm.consumers.info(stream, "b");
    }
    expect(info.num_ack_pending).toBe(0);
    expect(info.num_pending).toBe(0);
  });

  it("retries a failed batch after a backoff, and acks nothing it did not write", async () => {
    const stream = await publish("c", 5);
    let attempts = 0;
    const written: number[] = [];
    const c = await startBatchConsumer(jsm, jetstream(nc), {
      stream,
      durable: "c",
      maxBatch: 100,
      prepare: (m) => Number(new TextDecoder().decode(m.data)),
      handle: async (_msgs, values) => {
        attempts += 1;
        if (attempts === 1) throw new Error("database unavailable");
        written.push(...values);
      },
      onError: () => {},
    });
    await until("the retry", () => written.length >= 5);
    await c.stop();
    expect(attempts).toBeGreaterThanOrEqual(2);
    expect(written.sort((x, y) => x - y)).toEqual([0, 1, 2, 3, 4]);
  });

  it("on stop, leaves nothing it had not written acked: the next consumer gets it", async () => {
    const stream = await publish("d", 50);
    const first: number[] = [];
    let release!: () => void;
    const blocked = new Promise<void>((r) => (release = r));
    const c1 = await startBatchConsumer(jsm, jetstream(nc), {
      stream,
      durable: "d",
      maxBatch: 10,
      ackWaitSeconds: 2,
      prepare: (m) => Number(new TextDecoder().decode(m.data)),
      handle: async (_msgs, values) => {
        first.push(...values);
        await blocked;
      },
      onError: () => {},
    });
    await until("the first batch", () => first.length > 0);
    const stopping = c1.stop();
    release();
    await stopping;
    const second: number[] = [];
    const started = Date.now();
    const c2 = await startBatchConsumer(jsm, jetstream(nc), {
      stream,
      durable: "d",
      maxBatch: 100,
      ackWaitSeconds: 2,
      prepare: (m) => Number(new TextDecoder().decode(m.data)),
      handle: async (_msgs, values) => void second.push(...values),
      onError: () => {},
    });
    // What it had not written comes back: handed back at stop, or (if it was still on its way) after the ack wait.
    await until("the rest", () => new Set([...first, ...second]).size >= 50);
    await c2.stop();
    expect(Date.now() - started).toBeLessThan(10_000);
    expect([...new Set([...first, ...second])].sort((x, y) => x - y)).toEqual(Array.from({ length: 50 }, (_, i) => i));
  });
});
