import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["packages/*/src/**/*.test.ts", "services/*/src/**/*.test.ts", "test/**/*.test.ts"],
    exclude: ["**/node_modules/**", "**/dist/**"],
    testTimeout: 60_000,
    hookTimeout: 90_000,
    pool: "forks",
    // End-to-end files start several processes each; two at a time fit two cores.
    maxWorkers: 2,
    reporters: ["default"],
  },
});
