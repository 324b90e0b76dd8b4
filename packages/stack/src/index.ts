export * from "./process.js";
export * from "./fleet.js";
export * from "./stack.js";
