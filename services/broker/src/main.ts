#!/usr/bin/env node
import { runMain } from "@tokengrid/config";
import { startTelemetry } from "@tokengrid/telemetry";
import { loadBrokerConfig } from "./config.js";
import { startBroker } from "./server.js";

await runMain("broker", async () => {
  const config = loadBrokerConfig();
  const telemetry = startTelemetry({ serviceName: "tokengrid-broker" });
  const running = await startBroker(config);
  return {
    async stop() {
      await running.stop();
      await telemetry.shutdown();
    },
  };
});
