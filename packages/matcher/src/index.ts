export * from "./placement.js";
