/**
 * One trace follows a job from the tenant's SubmitJob through the broker, down
 * the agent stream, into the NATS usage event and into the settlement write.
 * The three services run in this process (as their mains would run them) so
 * that one in-memory exporter sees every span; NATS and PostgreSQL are real.
 */
import { rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { context, propagation, trace, SpanKind } from "@opentelemetry/api";
import { InMemorySpanExporter, type ReadableSpan } from "@opentelemetry/sdk-trace-base";
import type { Metadata } from "@grpc/grpc-js";
import { afterAll, beforeAll, expect, it } from "vitest";
import { loadBrokerConfig, startBroker, type RunningBroker } from "@tokengrid/broker";
import { loadSettlementConfig, startSettlement, type RunningSettlement } from "@tokengrid/settlement";
import { NodeAgent, parseNodeFile } from "@tokengrid/node-agent";
import { startTelemetry, type Telemetry } from "@tokengrid/telemetry";
import { eventually, freePort, testApiKey, testCertificates, testEnv, type TestCertificates, type TestEnv } from "@tokengrid/stack/testing";
import type { SubmitJobResponse__Output } from "@tokengrid/contracts";
import { defaultMarket } from "@tokengrid/domain";
import { accountClient, jobClient, keyMetadata, unary, watchToEnd } from "./helpers.js";

const exporter = new InMemorySpanExporter();
let telemetry: Telemetry;
let env: TestEnv;
let md: Metadata;
let tls: TestCertificates;
let broker: RunningBroker;
let settlement: RunningSettlement;
let agent: NodeAgent;

beforeAll(async () => {
  telemetry = startTelemetry({ serviceName: "tokengrid-trace-test", exporter });
  env = await testEnv("trace");
  tls = await testCertificates("trace");
  md = keyMetadata(await testApiKey(env, "tenant", "trace-tenant"));
  settlement = await startSettlement(
    loadSettlementConfig({
      ...tls.settlement,
      SETTLEMENT_ADDRESS: `127.0.0.1:${await freePort()}`,
      NATS_URL: env.natsUrl,
      DATABASE_URL: env.databaseUrl,
      TOKENGRID_NAMESPACE: env.namespace,
      SETTLEMENT_BATCH_SIZE: "100",
      LOG_LEVEL: "warn",
    }),
  );
  broker = await startBroker(
    loadBrokerConfig({
      ...tls.broker,
      BROKER_ADDRESS: `127.0.0.1:${await freePort()}`,
      SETTLEMENT_ADDRESS: settlement.address,
      NATS_URL: env.natsUrl,
      TOKENGRID_NAMESPACE: env.namespace,
      HEARTBEAT_INTERVAL_MS: "500",
      LOG_LEVEL: "warn",
    }),
  );
  agent = await NodeAgent.start({
    node: parseNodeFile("nodeId: trace-node\noperatorId: op\ncluster: guian\naccelerators: [{model: ascend-910b, count: 2}]\n", "inline"),
    nodeConfigPath: "inline",
    brokerAddresses: [broker.address],
    tls: await tls.node("op", "trace-node"),
    natsAuth: {},
    natsUrl: env.natsUrl,
    namespace: env.namespace,
    timeScale: 1,
    usageIntervalMs: 100,
    outboxDir: join(tmpdir(), `outbox-${env.namespace}`),
    outboxMaxBytes: 1 << 20,
    logLevel: "warn",
    market: defaultMarket(),
    workRoot: join(tmpdir(), `jobs-${env.namespace}`),
    address: "127.0.0.1",
  });
  await eventually("the node online", () => (broker.broker.listNodes().some((n) => n.stream) ? true : undefined));
  const accounts = accountClient(settlement.address, tls.client);
  await unary((cb) => accounts.PurchasePackage({ requestId: "trace-buy", packageId: "starter-10m" }, md, cb));
  accounts.close();
});

afterAll(async () => {
  await agent?.stop();
  await broker?.stop();
  await settlement?.stop();
  await rm(join(tmpdir(), `outbox-${env.namespace}`), { recursive: true, force: true });
  await env?.cleanup();
  tls?.cleanup();
  await telemetry?.shutdown();
});

it("follows a job in one trace from SubmitJob to the settlement write", async () => {
  const client = jobClient(broker.address, tls.client);
  const tracer = trace.getTracer("tenant");
  const root = tracer.startSpan("tenant SubmitJob", { kind: SpanKind.CLIENT });
  const traceId = root.spanContext().traceId;
  const res = await context.with(trace.setSpan(context.active(), root), () => {
    propagation.inject(context.active(), md, { set: (m, k, v) => m.set(k, v) });
    return unary<SubmitJobResponse__Output>((cb) =>
      client.SubmitJob({ requestId: "trace-1", spec: { kind: "JOB_KIND_BATCH", sizeSt: "2000" } }, md, cb),
    );
  });
  root.end();
  const done = await watchToEnd(client, md, res.job!.jobId);
  expect(done.job.state).toBe("JOB_STATE_SUCCEEDED");
  client.close();

  const spans = await eventually("the settlement write span", () => {
    const all = exporter.getFinishedSpans().filter((s) => s.spanContext().traceId === traceId);
    return all.some((s) => s.name === "settlement.write_usage") ? all : undefined;
  });
  const byName = (name: string) => spans.filter((s) => s.name === name);
  for (const name of ["JobService/SubmitJob", "broker.schedule", "agent.run_job", "agent.publish_usage", "settlement.write_usage"]) {
    expect(byName(name).length, `span ${name} in the trace`).toBeGreaterThan(0);
  }
  // Each hop is the child of the one before it.
  const parentOf = (s: ReadableSpan) => spans.find((p) => p.spanContext().spanId === s.parentSpanContext?.spanId);
  const chain = (s: ReadableSpan | undefined): string[] => (s ? [s.name, ...chain(parentOf(s))] : []);
  expect(chain(byName("settlement.write_usage")[0])).toEqual([
    "settlement.write_usage",
    "agent.publish_usage",
    "agent.run_job",
    "broker.schedule",
    "JobService/SubmitJob",
    "tenant SubmitJob",
  ]);
});
