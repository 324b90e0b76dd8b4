#!/usr/bin/env node
/**
 * The consumer half of bench:settle's JetStream ceiling (a), in its own
 * process as settlement is in (c): the same batch consumer settlement uses,
 * decoding every usage message and acking it, with no database.
 * Env: NATS_URL, STREAM, DURABLE, RECORDS (how many records to wait for).
 * Logs {"msg":"ready"} once consuming and {"msg":"done"} after the last ack.
 */
import { usageBatchCodec } from "@tokengrid/contracts";
import { connectNats, jetstream, jetStreamManager, startBatchConsumer } from "@tokengrid/events";

const env = (k: string) => process.env[k] ?? (console.error(`${k} is required`), process.exit(2));
const natsUrl = env("NATS_URL");
const target = Number(env("RECORDS"));
const nc = await connectNats(natsUrl, "bench-raw-consumer");
const jsm = await jetStreamManager(nc, natsUrl);
let records = 0;
let finished: () => void;
const done = new Promise<void>((r) => (finished = r));
const consumer = await startBatchConsumer(jsm, jetstream(nc), {
  stream: env("STREAM"),
  durable: env("DURABLE"),
  maxBatch: 500,
  prepare: (m) => usageBatchCodec().decode(m.data).events.length,
  handle: async (_msgs, counts) => {
    for (const c of counts) records += c;
    if (records >= target) setImmediate(finished);
  },
  onError: (err) => console.error(String(err)),
});
console.log(JSON.stringify({ msg: "ready" }));
await done;
await consumer.stop();
console.log(JSON.stringify({ msg: "done", records }));
await nc.close();
