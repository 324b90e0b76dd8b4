import { connect, type NatsConnection } from "@nats-io/transport-node";
import { jetstreamManager, RetentionPolicy, StorageType, type JetStreamManager, type StreamConfig } from "@nats-io/jetstream";
import { DependencyUnavailableError } from "@tokengrid/domain";
import { HOW_TO_START, natsAuth, type NatsAuth } from "@tokengrid/config";
import type { Names } from "./subjects.js";

export type { NatsConnection };

/**
 * Connects to NATS, reconnecting for ever once connected. If the first
 * connection fails, throws a DependencyUnavailableError that says where we
 * looked and how to start NATS.
 */
/** Connects, with the user and TLS settings given (by default, from NATS_USER and the like: config's natsAuth). */
export async function connectNats(url: string, name: string, auth: NatsAuth = natsAuth()): Promise<NatsConnection> {
  try {
    return await connect({
      servers: url,
      name,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 500,
      timeout: 3000,
      // Replies to a user come to inboxes of its own (_INBOX_<user>.*), which NATS lets only that user read.
      ...(auth.user !== undefined ? { user: auth.user, pass: auth.pass, inboxPrefix: `_INBOX_${auth.user}` } : {}),
      ...(auth.tls ? { tls: auth.tls } : {}),
    });
  } catch (err) {
    throw new DependencyUnavailableError("NATS", url, HOW_TO_START.nats, err);
  }
}

/** Checks that JetStream is enabled on the server, with a clear error if not. */
export async function jetStreamManager(nc: NatsConnection, url: string): Promise<JetStreamManager> {
  try {
    return await jetstreamManager(nc);
  } catch (err) {
    throw new DependencyUnavailableError(
      "NATS JetStream",
      url,
      `enable JetStream on the server (nats-server -js); ${HOW_TO_START.nats}`,
      err,
    );
  }
}

const TWO_MINUTES_NS = 120 * 1e9;
const SEVEN_DAYS_NS = 7 * 24 * 3600 * 1e9;

/** Largest piece of a program's output in one LogChunk (agents cut there). */
export const LOG_CHUNK_BYTES = 16 * 1024;
/**
 * Chunks kept per replica and node: with LOG_CHUNK_BYTES, at most 1 MiB of a
 * replica's output (the oldest go first, and readers are told how much).
 */
export const LOG_CHUNKS_PER_REPLICA = 64;

/**
 * Creates or updates the streams. De-duplication on Nats-Msg-Id holds within
 * duplicate_window (2 min); settlement de-duplicates again on the event id.
 */
export async function ensureStreams(jsm: JetStreamManager, n: Names, replicas = 1): Promise<void> {
  const streams: { name: string; subjects: string[] }[] = [
    { name: n.usageStream, subjects: [n.usageSubjects] },
    { name: n.jobsStream, subjects: [n.jobSubjects] },
    { name: n.controlStream, subjects: [n.controlSubjects] },
  ];
  const logs = { name: n.logsStream, subjects: [n.logSubjects], max_msgs_per_subject: LOG_CHUNKS_PER_REPLICA };
  for (const s of [...streams, logs]) {
    const config: Partial<StreamConfig> & { name: string } = {
      ...s,
      storage: StorageType.File,
      retention: RetentionPolicy.Limits,
      duplicate_window: TWO_MINUTES_NS,
      max_age: SEVEN_DAYS_NS,
      num_replicas: replicas,
    };
    try {
      await jsm.streams.info(config.name);
      await jsm.streams.update(config.name, config);
    } catch {
      await jsm.streams.add(config);
    }
  }
}

/** Deletes a namespace's streams and buckets (tests clean up with it). */
export async function deleteNamespace(jsm: JetStreamManager, n: Names): Promise<void> {
  for (const name of [
    n.usageStream,
    n.jobsStream,
    n.controlStream,
    n.logsStream,
    `KV_${n.jobsBucket}`,
    `KV_${n.nodesBucket}`,
    `KV_${n.leaderBucket}`,
    `KV_${n.apiKeysBucket}`,
    `KV_${n.revokedNodesBucket}`,
    `KV_${n.enrolmentsBucket}`,
  ]) {
    try {
      await jsm.streams.delete(name);
    } catch {
      // already gone
    }
  }
}
