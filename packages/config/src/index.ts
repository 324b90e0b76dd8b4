export * from "./env.js";
export * from "./defaults.js";
export * from "./main.js";
export { z } from "zod";
export { parse as parseYaml } from "yaml";
export * from "./market.js";
export * from "./tls.js";
export * from "./nats.js";
