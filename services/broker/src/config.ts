import { common, loadMarket, parseEnv, z, DEFAULT_BROKER_ADDRESS } from "@tokengrid/config";
import type { MarketModel } from "@tokengrid/domain";

const schema = z.object({
  BROKER_ADDRESS: common.address(DEFAULT_BROKER_ADDRESS),
  NATS_URL: common.natsUrl,
  TOKENGRID_NAMESPACE: common.namespace,
  /** How often agents send heartbeats, ms. */
  HEARTBEAT_INTERVAL_MS: common.positiveInt(1000, 60_000),
  /** A node not heard from for this long is declared lost, ms. */
  NODE_LOST_AFTER_MS: common.positiveInt(3000, 600_000),
  NATS_REPLICAS: common.positiveInt(1, 5),
  /** Overrides of the catalogue, tariffs, green shares, latencies and pricing (docs/standard-token.md). */
  MARKET_FILE: z.string().optional(),
  LOG_LEVEL: common.logLevel,
});

export interface BrokerConfig {
  address: string;
  natsUrl: string;
  namespace: string;
  heartbeatIntervalMs: number;
  nodeLostAfterMs: number;
  natsReplicas: number;
  logLevel: string;
  market: MarketModel;
}

export function loadBrokerConfig(env: NodeJS.ProcessEnv = process.env): BrokerConfig {
  const c = parseEnv(schema, env);
  return {
    address: c.BROKER_ADDRESS,
    natsUrl: c.NATS_URL,
    namespace: c.TOKENGRID_NAMESPACE,
    heartbeatIntervalMs: c.HEARTBEAT_INTERVAL_MS,
    nodeLostAfterMs: c.NODE_LOST_AFTER_MS,
    natsReplicas: c.NATS_REPLICAS,
    logLevel: c.LOG_LEVEL,
    market: loadMarket(c.MARKET_FILE),
  };
}
