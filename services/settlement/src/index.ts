export { startSettlement, type RunningSettlement } from "./server.js";
export { loadSettlementConfig, type SettlementConfig } from "./config.js";
