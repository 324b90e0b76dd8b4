export * from "./first-fit.js";
