#!/usr/bin/env node
import { runMain } from "@tokengrid/config";
import { startTelemetry } from "@tokengrid/telemetry";
import { NodeAgent } from "./agent.js";
import { loadAgentConfig } from "./config.js";

await runMain("node-agent", async () => {
  const config = loadAgentConfig();
  const telemetry = startTelemetry({ serviceName: "tokengrid-node-agent" });
  const agent = await NodeAgent.start(config);
  return {
    stopTimeoutMs: agent.stopTimeoutMs,
    async stop() {
      await agent.stop();
      await telemetry.shutdown();
    },
  };
});
