#!/usr/bin/env node
import { runMain } from "@tokengrid/config";
import { startTelemetry } from "@tokengrid/telemetry";
import { loadSettlementConfig } from "./config.js";
import { startSettlement } from "./server.js";

await runMain("settlement", async () => {
  const config = loadSettlementConfig();
  const telemetry = startTelemetry({ serviceName: "tokengrid-settlement" });
  const running = await startSettlement(config);
  return {
    async stop() {
      await running.stop();
      await telemetry.shutdown();
    },
  };
});
