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
    // A deposed leader stops: it must give no more orders (systemd or Kubernetes start it again, as a standby).
    failed: running.deposed.then((why) => `no longer the leader (${why})`),
    async stop() {
      await running.stop();
      await telemetry.shutdown();
    },
  };
});
