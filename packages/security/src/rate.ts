/**
 * Per-tenant call rates: each tenant may make so many calls a second at each
 * door (a token bucket per tenant, in memory, from rate-limiter-flexible);
 * beyond it RESOURCE_EXHAUSTED says how long to wait. One tenant's flood does
 * not slow the others.
 */
import { TokenGridError } from "@tokengrid/domain";
import { RateLimiterMemory, RateLimiterRes } from "rate-limiter-flexible";

export type RateLimit = (tenantId: string) => Promise<void>;

export function perTenantRate(callsPerSecond: number): RateLimit {
  const limiter = new RateLimiterMemory({ points: callsPerSecond, duration: 1 });
  return async (tenantId) => {
    try {
      await limiter.consume(tenantId);
    } catch (res) {
      if (!(res instanceof RateLimiterRes)) throw res;
      throw new TokenGridError(
        "RESOURCE_EXHAUSTED",
        `tenant ${tenantId} is over its rate (${callsPerSecond} calls a second, TENANT_RATE_PER_SECOND); retry in ${Math.max(1, res.msBeforeNext)} ms`,
      );
    }
  };
}
