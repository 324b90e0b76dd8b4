/**
 * Enrolment: a node with no certificate yet makes a key and a certificate
 * request, exchanges its one-time token for its certificate (NodeService.Enrol,
 * over TLS, trusting the CA), and writes the key (readable by its owner only)
 * and the certificate where TLS_KEY_FILE and TLS_CERT_FILE say.
 */
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import * as grpc from "@grpc/grpc-js";
import { protos, statusName, type EnrolResponse__Output, type NodeServiceClient } from "@tokengrid/contracts";
import { ConfigError } from "@tokengrid/config";
import { channelCredentials, createCsr, describeCertificate, nodeIdentity } from "@tokengrid/security";
import type { Logger } from "@tokengrid/telemetry";
import type { AgentConfig } from "./config.js";

/** Enrols the node if it has an enrolment token and no certificate yet; does nothing otherwise. */
export async function enrolIfNeeded(config: AgentConfig, log: Logger): Promise<void> {
  const tls = config.tls;
  if (config.enrolmentToken === undefined || tls.mode !== "mtls" || existsSync(tls.certFile)) return;
  const { csrPem, keyPem } = await createCsr(config.node.nodeId);
  let last: grpc.ServiceError | undefined;
  for (const address of config.brokerAddresses) {
    const client = new (protos().node.tokengrid.node.v1.NodeService)(
      address,
      channelCredentials({ mode: "tls", caFile: tls.caFile }),
    ) as unknown as NodeServiceClient;
    try {
      const res = await new Promise<EnrolResponse__Output>((resolve, reject) =>
        client.Enrol({ token: config.enrolmentToken!, csrPem }, { deadline: Date.now() + 10_000 }, (err, r) =>
          err || !r ? reject(err ?? new Error("empty reply")) : resolve(r),
        ),
      );
      const named = describeCertificate(res.certificatePem).uris;
      if (named.length !== 1 || named[0] !== nodeIdentity(config.node.operatorId, config.node.nodeId))
        throw new ConfigError("enrolment", [
          `ENROLMENT_TOKEN: the certificate the broker issued names ${named.join(", ") || "no one"}, not node ${config.node.nodeId} of ${config.node.operatorId}: the token was made for another node (check nodeId and operatorId in ${config.nodeConfigPath})`,
        ]);
      mkdirSync(dirname(tls.keyFile), { recursive: true, mode: 0o700 });
      writeFileSync(tls.keyFile, keyPem, { mode: 0o600 });
      writeFileSync(tls.certFile, res.certificatePem);
      log.info({ broker: address, certFile: tls.certFile }, "enrolled: certificate written");
      return;
    } catch (err) {
      if (err instanceof ConfigError) throw err;
      last = err as grpc.ServiceError;
      // A standby names the leader; anything else is final.
      if (last.code !== grpc.status.UNAVAILABLE) break;
    } finally {
      client.close();
    }
  }
  throw new ConfigError("enrolment", [
    `ENROLMENT_TOKEN: the broker refused it (${last?.code === undefined ? "no answer" : statusName(last.code)}: ${last?.details ?? last?.message}); ask the node's operator for a new token (tokengrid enrol-node)`,
  ]);
}
