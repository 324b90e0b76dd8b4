/** tokengrid.node.v1.NodeService: the node agents' door. */
import { toServiceError, toTimestamp, unary, type NodeServiceHandlers } from "@tokengrid/contracts";
import {
  FailedPreconditionError,
  InvalidArgumentError,
  isValidId,
  PermissionDeniedError,
  UnauthenticatedError,
  UnavailableError,
  type MarketModel,
} from "@tokengrid/domain";

const NO_NODE_CA = "this broker enrols no nodes: give it the CA that signs node certificates (NODE_CA_CERT_FILE, NODE_CA_KEY_FILE)";
import type { Logger } from "@tokengrid/telemetry";
import {
  callerOf,
  nodeIdentity,
  operatorOf,
  peerCertificateIssuedMs,
  requireNode,
  signCsr,
  verifyCsr,
  type CertificateAuthority,
  type Guard,
} from "@tokengrid/security";
import type { EnrolmentStore, NodeRegistry, RevocationList } from "@tokengrid/events";
import type { Broker } from "./broker.js";
import type { AgentStream } from "./registry.js";
import { validatePageSize, validateRegistration } from "./validation.js";

export function nodeServiceHandlers(
  broker: Broker,
  log: Logger,
  heartbeatIntervalMs: number,
  market: MarketModel,
  guard: Guard,
  allowSimulated: boolean,
  revocations: RevocationList,
  enrolments: EnrolmentStore,
  nodeCa: CertificateAuthority | undefined,
  registry: NodeRegistry,
): NodeServiceHandlers {
  const onError = (err: unknown) => log.error({ err }, "request failed");
  /** The call is by the node's operator (its own nodes only) or an admin, about a node that is not another operator's. */
  const operatorsOwnNode = async (call: Parameters<typeof operatorOf>[0], nodeId: string, operatorId: string, claim: boolean) => {
    if (!isValidId(nodeId)) throw new InvalidArgumentError("node_id", "1..64 letters, digits, '.', '_' or '-'");
    if (!isValidId(operatorId))
      throw new InvalidArgumentError("operator_id", "the node's operator: 1..64 letters, digits, '.', '_' or '-'");
    await operatorOf(call, guard, operatorId);
    // Who owns a node is kept in the registry (the first operator to enrol or register it), not in this broker's memory;
    // a node registered before owners were kept is its registration's operator's.
    const owner = await natsCall("the node registry", async () =>
      claim ? registry.claim(nodeId, operatorId) : ((await registry.owner(nodeId)) ?? (await registry.get(nodeId))?.operatorId),
    );
    if (owner !== undefined && owner !== operatorId)
      throw new PermissionDeniedError(`node ${nodeId} is operator ${owner}'s, not ${operatorId}'s`);
    // Revoking a node no one has: an admin's call only (an operator could otherwise block ids it does not have).
    if (owner === undefined && (await callerOf(call, guard)).kind !== "admin")
      throw new FailedPreconditionError(
        `node ${nodeId} has not been enrolled or registered: there is nothing of operator ${operatorId}'s to revoke`,
      );
  };
  /** A call to NATS whose failure is the caller's to retry (UNAVAILABLE), not ours. */
  const natsCall = async <T>(what: string, fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (err) {
      log.warn({ err: (err as Error).message }, `${what}: NATS did not answer`);
      throw new UnavailableError(`${what} (NATS) did not answer; retry in a few seconds`, { cause: err });
    }
  };
  /** A revoked node comes back only with a certificate issued after its revocation. */
  const notRevoked = (call: Parameters<typeof peerCertificateIssuedMs>[0], nodeId: string) => {
    const r = revocations.of(nodeId);
    if (!r) return;
    const issuedMs = peerCertificateIssuedMs(call);
    if (issuedMs === undefined || issuedMs <= r.revokedMs)
      throw new PermissionDeniedError(
        `node ${nodeId} was revoked at ${new Date(r.revokedMs).toISOString()} (${r.reason}); it comes back with a certificate issued after that`,
      );
  };
  return {
    Register: unary(async (call) => {
      const reg = validateRegistration(call.request, market, allowSimulated);
      // A node registers only as the node its certificate names, of its operator.
      requireNode(call, guard, reg.nodeId, reg.operatorId);
      notRevoked(call, reg.nodeId);
      // A node id belongs to the operator that first enrolled or registered it.
      const owner = await natsCall("the node registry", () => registry.claim(reg.nodeId, reg.operatorId));
      if (owner !== reg.operatorId) throw new PermissionDeniedError(`node ${reg.nodeId} is operator ${owner}'s, not ${reg.operatorId}'s`);
      // A revoked node back with a newer certificate: settlement pays its usage again from now on.
      if (revocations.of(reg.nodeId)) await natsCall("the revocation list", () => revocations.reinstate(reg.nodeId, Date.now()));
      const sessionId = await broker.register(reg);
      return { sessionId, heartbeatIntervalMs };
    }, onError),

    Connect: (stream: AgentStream) => {
      let nodeId: string | undefined;
      stream.on("data", (msg) => {
        try {
          if (nodeId === undefined) {
            if (msg.message !== "hello" || !msg.hello) throw new FailedPreconditionError("the first message on Connect must be a hello");
            requireNode(stream, guard, msg.hello.nodeId);
            notRevoked(stream, msg.hello.nodeId);
            broker.attach(msg.hello.nodeId, msg.hello.sessionId, stream, msg.hello.runningJobIds);
            nodeId = msg.hello.nodeId;
            return;
          }
          const id = nodeId;
          switch (msg.message) {
            case "heartbeat": {
              const leaseMs = broker.heartbeat(id);
              if (leaseMs !== undefined && msg.heartbeat)
                stream.write({ lease: { heartbeatSeq: msg.heartbeat.seq, validForMs: leaseMs, epoch: broker.epoch } });
              return;
            }
            case "jobStatus":
              broker.heartbeat(id);
              if (msg.jobStatus)
                broker.jobStatus(id, msg.jobStatus).catch((err: unknown) => log.error({ err, nodeId: id }, "job status not applied"));
              return;
            case "hello":
              throw new InvalidArgumentError("hello", "sent twice on one stream");
            default:
              throw new InvalidArgumentError("message", "empty message");
          }
        } catch (err) {
          log.warn({ err, nodeId }, "agent stream refused");
          stream.emit("error", toServiceError(err));
        }
      });
      const close = () => {
        if (nodeId !== undefined) broker.detach(nodeId, stream);
      };
      stream.on("end", () => {
        close();
        stream.end();
      });
      stream.on("error", close);
      stream.on("cancelled", close);
      stream.on("close", close);
    },

    CreateEnrolment: unary(async (call) => {
      const { nodeId, operatorId } = call.request;
      const validFor = call.request.validForSeconds === 0 ? 86_400 : call.request.validForSeconds;
      if (validFor < 60 || validFor > 604_800) throw new InvalidArgumentError("valid_for_seconds", `60..604800, got ${validFor}`);
      if (!nodeCa) throw new FailedPreconditionError(NO_NODE_CA);
      await operatorsOwnNode(call, nodeId, operatorId, true);
      const { token, enrolment } = await natsCall("the enrolment tokens", () => enrolments.create(nodeId, operatorId, validFor * 1000));
      return { token, expireTime: toTimestamp(enrolment.expiresMs) };
    }, onError),
    Enrol: unary(async (call) => {
      const { token, csrPem } = call.request;
      if (token === "")
        throw new InvalidArgumentError("token", "is required: the enrolment token the node's operator made (tokengrid enrol-node)");
      if (csrPem.length > 16_384) throw new InvalidArgumentError("csr_pem", "at most 16384 characters");
      if (!nodeCa) throw new FailedPreconditionError(NO_NODE_CA);
      // The request first: a bad one must not use up the token.
      try {
        await verifyCsr(csrPem);
      } catch (err) {
        throw new InvalidArgumentError("csr_pem", (err as Error).message);
      }
      const invalid = () =>
        new UnauthenticatedError(
          "the enrolment token is not valid: used already, expired, or never made; ask the node's operator for a new one",
        );
      const found = await natsCall("the enrolment tokens", () => enrolments.peek(token));
      if (!found) throw invalid();
      const { enrolment } = found;
      // Signed before the token is used up: a failure here leaves it usable.
      const certificatePem = await signCsr(nodeCa, csrPem, nodeIdentity(enrolment.operatorId, enrolment.nodeId));
      if (!(await natsCall("the enrolment tokens", () => enrolments.take(token, found.revision)))) throw invalid();
      log.info({ nodeId: enrolment.nodeId, operatorId: enrolment.operatorId }, "node enrolled");
      return { certificatePem, caPem: nodeCa.certPem };
    }, onError),
    RevokeNode: unary(async (call) => {
      const { nodeId, operatorId, reason } = call.request;
      if (reason.length > 256) throw new InvalidArgumentError("reason", `at most 256 characters, got ${reason.length}`);
      await operatorsOwnNode(call, nodeId, operatorId, false);
      const revokedMs = Date.now();
      await natsCall("the revocation list", () =>
        revocations.revoke({ nodeId, operatorId, revokedMs, reason: reason || "revoked by its operator" }),
      );
      broker.revoked(nodeId, reason || "revoked by its operator");
      return { revokeTime: toTimestamp(revokedMs) };
    }, onError),
    ListNodes: unary(async (call) => {
      const pageSize = validatePageSize(call.request.pageSize, 100, 1000);
      // An operator sees its own nodes; an admin sees every node.
      const operator = await operatorOf(call, guard, undefined);
      const all = broker.listNodes().filter((n) => operator === undefined || n.reg.operatorId === operator);
      let start = 0;
      if (call.request.pageToken !== "") {
        const i = all.findIndex((n) => n.reg.nodeId === Buffer.from(call.request.pageToken, "base64url").toString("utf8"));
        if (i < 0) throw new InvalidArgumentError("page_token", "not a token from a previous ListNodes response");
        start = i;
      }
      const page = all.slice(start, start + pageSize);
      const nextNode = all[start + pageSize];
      return {
        nodes: page.map((n) => ({
          nodeId: n.reg.nodeId,
          operatorId: n.reg.operatorId,
          cluster: n.reg.cluster,
          region: n.region,
          accelerators: n.reg.accelerators.map(({ device: _device, ...a }) => a),
          energy: {
            pue: n.reg.energy.pue ?? 0,
            tariffYuanPerKwh: n.reg.energy.tariffYuanPerKwh ?? 0,
            greenShare: n.reg.energy.greenShare ?? 0,
          },
          state: n.state === "ONLINE" && n.stream ? "NODE_STATE_ONLINE" : "NODE_STATE_LOST",
          totalDevices: n.totalDevices,
          freeDevices: broker.freeDevices(n),
          lastHeartbeatTime: toTimestamp(n.lastSeenMs),
          runningJobIds: broker.runningJobIds(n.reg.nodeId),
        })),
        nextPageToken: nextNode ? Buffer.from(nextNode.reg.nodeId).toString("base64url") : "",
      };
    }, onError),
  };
}
