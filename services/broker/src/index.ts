export { startBroker, type RunningBroker } from "./server.js";
export { loadBrokerConfig, type BrokerConfig } from "./config.js";
