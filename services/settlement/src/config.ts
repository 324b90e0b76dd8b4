import {
  common,
  loadMarket,
  parseEnv,
  natsAuth,
  tlsSettings,
  z,
  DEFAULT_SETTLEMENT_ADDRESS,
  type NatsAuth,
  type TlsSettings,
} from "@tokengrid/config";
import type { MarketModel } from "@tokengrid/domain";

const schema = z.object({
  SETTLEMENT_ADDRESS: common.address(DEFAULT_SETTLEMENT_ADDRESS),
  NATS_URL: common.natsUrl,
  /** Calls a second each tenant may make here; beyond it RESOURCE_EXHAUSTED with how long to wait. */
  TENANT_RATE_PER_SECOND: common.tenantRate,
  DATABASE_URL: common.databaseUrl,
  TOKENGRID_NAMESPACE: common.namespace,
  /** Most events written in one transaction. */
  SETTLEMENT_BATCH_SIZE: common.positiveInt(500, 10_000),
  NATS_REPLICAS: common.positiveInt(1, 5),
  /** How long a job's hold lasts if the job never reports, ms (default 24 h). */
  HOLD_TTL_MS: common.positiveInt(86_400_000),
  /** How often expired holds are voided and expired lots lapse, ms. */
  LEDGER_SWEEP_INTERVAL_MS: common.positiveInt(30_000),
  /** The same market file the broker reads: operators are paid at its prices. */
  MARKET_FILE: z.string().optional(),
  LOG_LEVEL: common.logLevel,
});

export interface SettlementConfig {
  address: string;
  /** Its certificate, or plaintext. */
  tls: TlsSettings;
  /** Its NATS user and TLS (NATS_USER, NATS_PASSWORD_FILE, NATS_TLS_*). */
  natsAuth: NatsAuth;
  tenantRatePerSecond: number;
  natsUrl: string;
  databaseUrl: string;
  namespace: string;
  batchSize: number;
  natsReplicas: number;
  holdTtlMs: number;
  ledgerSweepIntervalMs: number;
  logLevel: string;
  market: MarketModel;
}

export function loadSettlementConfig(env: NodeJS.ProcessEnv = process.env): SettlementConfig {
  const c = parseEnv(schema, env);
  return {
    address: c.SETTLEMENT_ADDRESS,
    tls: tlsSettings(env, true),
    natsAuth: natsAuth(env),
    tenantRatePerSecond: c.TENANT_RATE_PER_SECOND,
    natsUrl: c.NATS_URL,
    databaseUrl: c.DATABASE_URL,
    namespace: c.TOKENGRID_NAMESPACE,
    batchSize: c.SETTLEMENT_BATCH_SIZE,
    natsReplicas: c.NATS_REPLICAS,
    holdTtlMs: c.HOLD_TTL_MS,
    ledgerSweepIntervalMs: c.LEDGER_SWEEP_INTERVAL_MS,
    logLevel: c.LOG_LEVEL,
    market: loadMarket(c.MARKET_FILE),
  };
}
