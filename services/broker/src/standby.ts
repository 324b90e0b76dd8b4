/**
 * A broker that does not lead is a standby: it refuses every call with
 * UNAVAILABLE, naming the leader (also in the `x-tokengrid-leader` trailer),
 * so that agents and clients go there, and it takes over when the leader's
 * lease runs out.
 */
import * as grpc from "@grpc/grpc-js";
import type { LeaderRecord } from "@tokengrid/events";

export const LEADER_METADATA_KEY = "x-tokengrid-leader";

export interface Leadership {
  readonly isLeader: boolean;
  readonly leader: LeaderRecord | undefined;
}

function standbyError(l: Leadership): grpc.ServiceError {
  const leader = l.leader?.holder ? l.leader : undefined;
  const metadata = new grpc.Metadata();
  if (leader) metadata.set(LEADER_METADATA_KEY, leader.address);
  const details = leader
    ? `this broker is a standby; the leader is at ${leader.address} (epoch ${leader.epoch}): call it there`
    : "this broker is a standby and no broker leads at the moment (one takes over within BROKER_LEADER_LEASE_MS); retry in a few seconds";
  return Object.assign(new Error(details), { code: grpc.status.UNAVAILABLE, details, metadata });
}

type AnyHandler = (call: unknown, callback?: (err: grpc.ServiceError | null) => void) => void;

/** Wraps every handler of a service so that it runs only while this broker leads. */
export function leaderOnly<H extends object>(definition: grpc.ServiceDefinition, handlers: H, leadership: Leadership): H {
  const out: Record<string, AnyHandler> = {};
  for (const [name, method] of Object.entries(definition)) {
    const handler = (handlers as Record<string, AnyHandler>)[name];
    if (!handler) continue;
    out[name] = method.responseStream
      ? (call) =>
          leadership.isLeader
            ? handler(call)
            : (call as grpc.ServerWritableStream<unknown, unknown>).emit("error", standbyError(leadership))
      : (call, callback) => (leadership.isLeader ? handler(call, callback) : callback!(standbyError(leadership)));
  }
  return out as H;
}
