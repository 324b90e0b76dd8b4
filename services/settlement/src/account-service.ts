/** tokengrid.account.v1.AccountService, served by settlement from the settled rows. */
import { tenantFromMetadata, unary, type AccountServiceHandlers } from "@tokengrid/contracts";
import { usageTotal, type Database, type Kysely } from "@tokengrid/db";
import { InvalidArgumentError, isValidId } from "@tokengrid/domain";
import type { Logger } from "@tokengrid/telemetry";

export function accountServiceHandlers(db: Kysely<Database>, log: Logger): AccountServiceHandlers {
  return {
    GetUsage: unary(
      async (call) => {
        const tenant = tenantFromMetadata(call.metadata);
        const jobId = call.request.jobId;
        if (jobId !== "" && !isValidId(jobId)) throw new InvalidArgumentError("job_id", "not a job id");
        const t = await usageTotal(db, tenant, jobId || undefined);
        return { settledMst: t.settledMst.toString(), eventCount: t.eventCount.toString() };
      },
      (err) => log.error({ err }, "request failed"),
    ),
  };
}
