export { NodeAgent, AGENT_VERSION } from "./agent.js";
export { loadAgentConfig, parseNodeFile, nodeFileSchema, type AgentConfig, type NodeFile } from "./config.js";
