export * from "./errors.js";
export * from "./units.js";
export * from "./job.js";
export * from "./clusters.js";
export * from "./latency.js";
export * from "./devices.js";
export * from "./ids.js";
