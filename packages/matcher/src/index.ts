export * from "./engine/types.js";
export * from "./engine/framework.js";
export * from "./engine/profile.js";
export * from "./engine/state.js";
export * from "./engine/engine.js";
export * from "./engine/quote.js";
export * from "./engine/queue.js";
export { PLUGINS } from "./plugins/index.js";
