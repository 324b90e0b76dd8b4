/** The broker's client of settlement's AccountService: holds before a job is accepted. */
import * as grpc from "@grpc/grpc-js";
import { protos, type AccountServiceClient, type AuthorizeResponse__Output } from "@tokengrid/contracts";
import { TokenGridError, UnavailableError } from "@tokengrid/domain";
import { injectToHeaders } from "@tokengrid/telemetry";

export type Authorize = (tenantId: string, jobId: string, amountMst: bigint) => Promise<void>;

export function accountsClient(address: string, credentials: grpc.ChannelCredentials): { authorize: Authorize; close(): void } {
  const client = new (protos().account.tokengrid.account.v1.AccountService)(address, credentials) as unknown as AccountServiceClient;
  return {
    authorize: (tenantId, jobId, amountMst) =>
      new Promise<void>((resolve, reject) => {
        const md = new grpc.Metadata();
        md.set("x-tenant-id", tenantId);
        injectToHeaders(md);
        client.Authorize(
          { jobId, amountMst: amountMst.toString() },
          md,
          { deadline: Date.now() + 10_000 },
          (err: grpc.ServiceError | null, _res?: AuthorizeResponse__Output) => {
            if (!err) return resolve();
            if (err.code === grpc.status.RESOURCE_EXHAUSTED)
              return reject(
                new TokenGridError("RESOURCE_EXHAUSTED", `${err.details} (buy a package: tokengrid packages, tokengrid buy <package>)`),
              );
            if (err.code === grpc.status.UNAVAILABLE || err.code === grpc.status.DEADLINE_EXCEEDED)
              return reject(
                new UnavailableError(`the accounts service (settlement) is not reachable at ${address}; nothing was accepted, retry`, {
                  cause: err,
                }),
              );
            reject(new TokenGridError("INTERNAL", `the hold for job ${jobId} failed: ${err.details}`, { cause: err }));
          },
        );
      }),
    close: () => client.close(),
  };
}
