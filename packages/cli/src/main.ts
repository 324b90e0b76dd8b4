#!/usr/bin/env node
/** tokengrid: the command line for tenants, operators and whoever runs the system. */
import { Command, Option } from "commander";
import {
  DEFAULT_BROKER_ADDRESS,
  DEFAULT_DATABASE_URL,
  DEFAULT_NATS_URL,
  DEFAULT_SETTLEMENT_ADDRESS,
  HOW_TO_START,
} from "@tokengrid/config";
import { report, type ReportBy, type ReportKind } from "./report.js";
import { formatMst, isFinal, isValidId, type JobState } from "@tokengrid/domain";
import { toTimestamp } from "@tokengrid/contracts";
import type {
  CancelJobResponse__Output,
  GetJobResponse__Output,
  GetUsageResponse__Output,
  Job__Output,
  JobSpec,
  ListJobsResponse__Output,
  ListNodesResponse__Output,
  RevokeNodeResponse__Output,
  CreateEnrolmentResponse__Output,
  ListPackagesResponse__Output,
  PurchasePackageResponse__Output,
  GetBalanceResponse__Output,
  GetStatementResponse__Output,
  QuoteResponse__Output,
  ReadJobLogsResponse__Output,
  Node__Output,
  SubmitJobResponse__Output,
  WatchJobResponse__Output,
} from "@tokengrid/contracts";
import { randomUUID } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { CertDir, describeCertificate, nodeIdentity, ROLES, serviceIdentity, type Role } from "@tokengrid/security";
import { ApiKeyStore, connectNats, names } from "@tokengrid/events";
import { CliError, cliApiKey, clients, deadline, explain, rpc, type Clients } from "./client.js";
import {
  explainText,
  JOB_HEAD,
  jobDetail,
  jobRow,
  NODE_HEAD,
  nodeRow,
  progressLine,
  QUOTE_HEAD,
  quoteRow,
  short,
  table,
  time,
  timeMs,
} from "./format.js";
import { parseStart } from "./start-time.js";
import { parseDurationSeconds, parseEnvPairs, parseInteger } from "./numbers.js";
import { up } from "./up.js";

interface Globals {
  broker: string;
  settlement: string;
  tenant?: string;
  json: boolean;
}

const program = new Command()
  .name("tokengrid")
  .description("TokenGrid: a broker for a national computing network")
  .addOption(new Option("--broker <host:port>", "broker address").env("BROKER_ADDRESS").default(DEFAULT_BROKER_ADDRESS))
  .addOption(new Option("--settlement <host:port>", "settlement address").env("SETTLEMENT_ADDRESS").default(DEFAULT_SETTLEMENT_ADDRESS))
  .addOption(new Option("--tenant <id>", "with an admin's key: the tenant to act for").env("TOKENGRID_TENANT"))
  .option("--json", "print JSON instead of tables", false)
  .showHelpAfterError();

function globals(): Globals {
  return program.opts<Globals>();
}

function out(g: Globals, json: unknown, text: string): void {
  process.stdout.write(g.json ? `${JSON.stringify(json)}\n` : `${text}\n`);
}

async function withClients<T>(fn: (c: Clients, g: Globals) => Promise<T>, audience: "tenant" | "operator" = "tenant"): Promise<T> {
  const g = globals();
  const c = clients(g.broker, g.settlement, cliApiKey(audience), g.tenant);
  try {
    return await fn(c, g);
  } finally {
    c.close();
  }
}

const STATE_SHORT = (s: unknown) => short(String(s), "JOB_STATE_") as JobState;

/** How often a followed job's progress is looked at while it runs, ms. */
const PROGRESS_EVERY_MS = 2000;

/**
 * Follows a job with WatchJob until it ends, printing each state it passes
 * through and, while it runs, its progress, rate and time left.
 */
function follow(c: Clients, g: Globals, jobId: string): Promise<Job__Output | undefined> {
  return new Promise((resolve, reject) => {
    let last: Job__Output | undefined;
    let seen: { job: Job__Output; atMs: number } | undefined;
    const poll = setInterval(() => {
      if (g.json || !last || STATE_SHORT(last.state) !== "RUNNING") return;
      c.jobs.GetJob({ jobId }, c.metadata, deadline(), (err, res) => {
        if (err || !res?.job || STATE_SHORT(res.job.state) !== "RUNNING") return;
        const now = { job: res.job, atMs: Date.now() };
        if (seen) process.stdout.write(`${timeMs(now.atMs)}  ${"".padEnd(10)} ${progressLine(seen, now)}\n`);
        seen = now;
      });
    }, PROGRESS_EVERY_MS);
    const stream = c.jobs.WatchJob({ jobId }, c.metadata);
    stream.on("data", (m: WatchJobResponse__Output) => {
      last = m.job ?? last;
      const t = m.transition;
      if (g.json) process.stdout.write(`${JSON.stringify(m)}\n`);
      else if (t) process.stdout.write(`${time(t.time)}  ${STATE_SHORT(t.state).padEnd(10)} ${t.message}\n`);
    });
    stream.on("error", (err) => {
      clearInterval(poll);
      reject(explain(err, "broker", c.brokerAddress));
    });
    stream.on("end", () => {
      clearInterval(poll);
      resolve(last);
    });
  });
}

const PRECISIONS: Record<string, string> = {
  fp32: "PRECISION_FP32",
  bf16: "PRECISION_BF16",
  fp16: "PRECISION_FP16",
  fp8: "PRECISION_FP8",
  int8: "PRECISION_INT8",
};

/** A JobSpec from the job options shared by submit and quote. */
function specFrom(o: Record<string, string | boolean | undefined>, command: readonly string[] = []): JobSpec {
  const kinds: Record<string, string> = { training: "JOB_KIND_TRAINING", inference: "JOB_KIND_INFERENCE", batch: "JOB_KIND_BATCH" };
  const kind = kinds[String(o["kind"]).toLowerCase()];
  if (!kind) throw new CliError("INVALID_ARGUMENT", `--kind: one of training, inference, batch; got ${JSON.stringify(o["kind"])}`);
  const precision = typeof o["precision"] === "string" ? PRECISIONS[o["precision"].toLowerCase()] : "PRECISION_UNSPECIFIED";
  if (!precision)
    throw new CliError(
      "INVALID_ARGUMENT",
      `--precision: one of ${Object.keys(PRECISIONS).join(", ")}; got ${JSON.stringify(o["precision"])}`,
    );
  const list = (v: unknown) => (typeof v === "string" && v !== "" ? v.split(",").map((s) => s.trim()) : []);
  const int = (flag: string, v: unknown) => (typeof v === "string" ? parseInteger(flag, v) : "0");
  try {
    return {
      kind: kind as JobSpec["kind"],
      modelParams: int("--model-params", o["modelParams"]),
      tokens: int("--tokens", o["tokens"]),
      sizeSt: int("--size-st", o["sizeSt"]),
      devices: positive("--devices", Number(parseInteger("--devices", String(o["devices"]))), "at least 1"),
      softwareStacks: list(o["stack"]),
      origin: typeof o["origin"] === "string" ? o["origin"] : "",
      maxLatencyMs: Number(int("--max-latency-ms", o["maxLatencyMs"])),
      allowedClusters: list(o["clusters"]),
      precision: precision as JobSpec["precision"],
      replicas: Number(parseInteger("--replicas", String(o["replicas"] ?? "1"))),
      ...(typeof o["slice"] === "string" ? { slice: parseSlice(o["slice"]), devices: 0 } : {}),
      memoryMbPerDevice: int("--memory-mb", o["memoryMb"]),
      minGreenShare: typeof o["minGreen"] === "string" ? Number(o["minGreen"]) : 0,
      // 0 would mean "no cap" on the wire: a cap of 0 is a mistake, said so here.
      maxPricePerMillionStYuan:
        typeof o["maxPrice"] === "string"
          ? positive("--max-price", Number(o["maxPrice"]), "yuan per million ST > 0; leave it out for no cap")
          : 0,
      priorityClass: priorityClass(o["priority"]),
      deadline: typeof o["deadline"] === "string" ? toTimestamp(parseStart(o["deadline"], Date.now())) : null,
      command: [...command],
      env: parseEnvPairs((o["env"] as unknown as string[] | undefined) ?? []),
      timeLimitSeconds: typeof o["timeLimit"] === "string" ? parseDurationSeconds("--time-limit", o["timeLimit"]) : 0,
    };
  } catch (err) {
    throw new CliError("INVALID_ARGUMENT", (err as Error).message);
  }
}

/** A number that must be above 0 (on the wire 0 means "unset", so an explicit 0 would be silently changed). */
function positive(flag: string, v: number, what: string): number {
  if (!(Number.isFinite(v) && v > 0)) throw new Error(`${flag}: ${what}, got ${v}`);
  return v;
}

/** --slice 25%:8192 — a share of one device: compute percent and memory in MB. */
function parseSlice(raw: string): { computePercent: number; memoryMb: string } {
  const m = /^(\d{1,3})%?:(\d+)$/.exec(raw.trim());
  if (!m) throw new Error(`--slice: expected COMPUTE%:MEMORY_MB such as 25%:8192, got ${JSON.stringify(raw)}`);
  return { computePercent: Number(m[1]), memoryMb: m[2]! };
}

function priorityClass(raw: unknown): JobSpec["priorityClass"] {
  if (raw === undefined) return "PRIORITY_CLASS_UNSPECIFIED";
  const classes: Record<string, JobSpec["priorityClass"]> = {
    low: "PRIORITY_CLASS_LOW",
    normal: "PRIORITY_CLASS_NORMAL",
    high: "PRIORITY_CLASS_HIGH",
  };
  const c = typeof raw === "string" ? classes[raw.toLowerCase()] : undefined;
  if (!c) throw new Error(`--priority: one of low, normal, high; got ${JSON.stringify(raw)}`);
  return c;
}

/** The options that describe a job, for submit and quote. */
function jobOptions(cmd: Command): Command {
  return cmd
    .requiredOption("--kind <kind>", "training, inference or batch")
    .option("--model-params <n>", "parameters of the dense model, e.g. 7e9")
    .option("--tokens <n>", "tokens to process, e.g. 1e9")
    .option("--size-st <n>", "the job's size in standard tokens, instead of model-params × tokens")
    .option("--devices <n>", "whole devices on one node", "1")
    .option("--precision <p>", "bf16 (default), fp16, fp8, int8 or fp32")
    .option("--stack <stacks>", "software stacks the image supports, comma-separated (cuda,cann,...)")
    .option("--origin <city>", "where the job's users are, e.g. shanghai")
    .option("--max-latency-ms <ms>", "round-trip bound from origin, ms")
    .option("--clusters <ids>", "clusters the job may run in, comma-separated")
    .option("--replicas <n>", "replicas placed together in one cluster (gang)", "1")
    .option("--slice <share>", "a share of one device per replica, COMPUTE%:MEMORY_MB, e.g. 25%:8192")
    .option("--memory-mb <mb>", "memory the model needs on each device, MB")
    .option("--min-green <share>", "least renewable share of the power, 0..1")
    .option("--max-price <yuan>", "most yuan per million ST at the hour of running")
    .option("--priority <class>", "low, normal or high (default by kind: inference high, training normal, batch low)")
    .option("--deadline <time>", "latest end (ISO, or HH:MM CST); training and batch may wait for a cheaper or greener hour")
    .option(
      "--env <NAME=VALUE>",
      "an environment variable for the command (repeat for more)",
      (v: string, prev: string[]) => [...prev, v],
      [],
    )
    .option("--time-limit <duration>", "most wall time a run may take: 90s, 15m, 2h, 1d (a command job given no size is sized by it)")
    .argument("[command...]", "the program each replica runs and its arguments, after --, e.g. -- python3 train.py --epochs 3");
}

jobOptions(program.command("quote").description("where, when and for how much a job would run, without submitting it"))
  .option("--start <time>", "earliest start: an ISO time, or HH:MM China Standard Time (the next such time)")
  .option("--max-options <n>", "options to show", "10")
  .action(async (command: string[], o: Record<string, string | boolean | undefined>) => {
    await withClients(async (c, g) => {
      const spec = specFrom(o, command);
      const startTime = typeof o["start"] === "string" ? toTimestamp(parseStart(o["start"], Date.now())) : null;
      const res = await rpc<QuoteResponse__Output>(
        (cb) => c.jobs.Quote({ spec, startTime, maxOptions: Number(o["maxOptions"]) }, c.metadata, deadline(), cb),
        "broker",
        c.brokerAddress,
      );
      const rows = res.options.map((q, i) => quoteRow(i + 1, q));
      const lines = [`job size ${formatMst(BigInt(res.sizeMst))}`];
      lines.push(rows.length > 0 ? table(QUOTE_HEAD, rows) : "no node can take this job now");
      const best = res.options[0];
      if (best) {
        const f = (x: number) => x.toPrecision(2);
        lines.push(
          `#1 per million ST: energy ${f(best.energyPerMillionStYuan)} + capital ${f(best.capitalPerMillionStYuan)} + margin ${f(best.marginPerMillionStYuan)} yuan; token revenue is ${best.revenueToElectricityRatio.toFixed(1)}× its electricity cost`,
        );
      }
      if (res.exclusions.length > 0) {
        lines.push("excluded:");
        for (const e of res.exclusions) lines.push(`  ${e.cluster} ${e.deviceModel} (${e.nodeId}): ${e.reason}`);
      }
      out(g, res, lines.join("\n"));
    });
  });

jobOptions(program.command("submit").description("submit a job"))
  .option("--request-id <id>", "idempotency key; reuse it to retry safely (default: random)")
  .option("--follow", "follow the job until it ends", false)
  .action(async (command: string[], o: Record<string, string | boolean | undefined>) => {
    await withClients(async (c, g) => {
      const spec = specFrom(o, command);
      const requestId = typeof o["requestId"] === "string" ? o["requestId"] : randomUUID();
      const res = await rpc<SubmitJobResponse__Output>(
        (cb) => c.jobs.SubmitJob({ requestId, spec }, c.metadata, deadline(), cb),
        "broker",
        c.brokerAddress,
      );
      const job = res.job!;
      out(
        g,
        { ...res, requestId },
        `${res.created ? "submitted" : "already submitted (same request id)"}: ${job.jobId}  (request id ${requestId})\n${jobDetail(job)}`,
      );
      if (o["follow"]) {
        const last = await follow(c, g, job.jobId);
        if (last && !g.json) process.stdout.write(`${jobDetail(last)}\n`);
        if (last && STATE_SHORT(last.state) !== "SUCCEEDED") process.exitCode = 1;
      }
    });
  });

program
  .command("jobs")
  .description("list your jobs, newest first")
  .option("--page-size <n>", "jobs per page", "50")
  .option("--page-token <token>", "from a previous page")
  .action(async (o: { pageSize: string; pageToken?: string }) => {
    await withClients(async (c, g) => {
      const res = await rpc<ListJobsResponse__Output>(
        (cb) => c.jobs.ListJobs({ pageSize: Number(o.pageSize), pageToken: o.pageToken ?? "" }, c.metadata, deadline(), cb),
        "broker",
        c.brokerAddress,
      );
      const text = res.jobs.length === 0 ? "no jobs yet; try: pnpm tokengrid submit --help" : table(JOB_HEAD, res.jobs.map(jobRow));
      out(g, res, res.nextPageToken ? `${text}\nmore: --page-token ${res.nextPageToken}` : text);
    });
  });

program
  .command("job <id>")
  .description("show a job and follow it until it ends")
  .option("--no-follow", "print it once and return")
  .action(async (id: string, o: { follow: boolean }) => {
    await withClients(async (c, g) => {
      if (!o.follow) {
        const res = await rpc<GetJobResponse__Output>(
          (cb) => c.jobs.GetJob({ jobId: id }, c.metadata, deadline(), cb),
          "broker",
          c.brokerAddress,
        );
        out(g, res, jobDetail(res.job!));
        return;
      }
      const last = await follow(c, g, id);
      if (last && !g.json) process.stdout.write(`${jobDetail(last)}\n`);
      if (last && isFinal(STATE_SHORT(last.state)) && STATE_SHORT(last.state) !== "SUCCEEDED") process.exitCode = 1;
    });
  });

program
  .command("logs <id>")
  .description("what a job's program wrote to stdout and stderr, each replica's")
  .option("--follow", "go on printing what it writes until it ends", false)
  .option("--replica <n>", "one replica only (0-based)")
  .action(async (id: string, o: { follow: boolean; replica?: string }) => {
    await withClients(async (c, g) => {
      const replica = o.replica === undefined ? undefined : Number(parseInteger("--replica", o.replica));
      await new Promise<void>((resolve, reject) => {
        const stream = c.jobs.ReadJobLogs({ jobId: id, follow: o.follow, ...(replica !== undefined ? { replica } : {}) }, c.metadata);
        let printed = 0;
        stream.on("data", (m: ReadJobLogsResponse__Output) => {
          printed += 1;
          if (g.json) {
            process.stdout.write(`${JSON.stringify(m)}\n`);
            return;
          }
          if (Number(m.droppedBytes) > 0)
            process.stderr.write(
              `[tokengrid] replica ${m.replica}: ${m.droppedBytes} bytes of older output were dropped (the node keeps the last 1 MiB)\n`,
            );
          (String(m.stream) === "LOG_STREAM_STDERR" ? process.stderr : process.stdout).write(m.text);
        });
        stream.on("error", (err) => reject(explain(err, "broker", c.brokerAddress)));
        stream.on("end", () => {
          if (printed === 0 && !g.json) process.stderr.write(`no output from job ${id} (yet)\n`);
          resolve();
        });
      });
    });
  });

program
  .command("explain <id>")
  .description("why a job runs where it runs, or why it is still pending")
  .action(async (id: string) => {
    await withClients(async (c, g) => {
      const res = await rpc<GetJobResponse__Output>(
        (cb) => c.jobs.GetJob({ jobId: id }, c.metadata, deadline(), cb),
        "broker",
        c.brokerAddress,
      );
      const job = res.job!;
      out(g, { jobId: job.jobId, state: job.state, receipt: job.receipt }, explainText(job));
    });
  });

program
  .command("cancel <id>")
  .description("cancel a job")
  .option("--reason <text>", "why", "")
  .action(async (id: string, o: { reason: string }) => {
    await withClients(async (c, g) => {
      const res = await rpc<CancelJobResponse__Output>(
        (cb) => c.jobs.CancelJob({ jobId: id, reason: o.reason }, c.metadata, deadline(), cb),
        "broker",
        c.brokerAddress,
      );
      out(g, res, jobDetail(res.job!));
    });
  });

program
  .command("nodes")
  .description("list the nodes the broker knows")
  .action(async () => {
    await withClients(async (c, g) => {
      const nodes: Node__Output[] = [];
      let pageToken = "";
      do {
        const res = await rpc<ListNodesResponse__Output>(
          (cb) => c.nodes.ListNodes({ pageSize: 1000, pageToken }, c.metadata, deadline(), cb),
          "broker",
          c.brokerAddress,
        );
        nodes.push(...res.nodes);
        pageToken = res.nextPageToken;
      } while (pageToken !== "");
      out(g, { nodes }, nodes.length === 0 ? "no nodes registered yet" : table(NODE_HEAD, nodes.map(nodeRow)));
    }, "operator");
  });

program
  .command("enrol-node <id>")
  .description("a one-time token for a node's agent to get its certificate with (ENROLMENT_TOKEN); an operator's own nodes, an admin's any")
  .requiredOption("--operator <id>", "the node's operator")
  .option("--valid-for <seconds>", "how long the token may be used (60..604800)", "86400")
  .action(async (nodeId: string, o: { operator: string; validFor: string }) => {
    const validForSeconds = Number(o.validFor);
    if (!Number.isInteger(validForSeconds))
      throw new CliError("INVALID_ARGUMENT", `--valid-for: whole seconds; got ${JSON.stringify(o.validFor)}`);
    await withClients(async (c, g) => {
      const res = await rpc<CreateEnrolmentResponse__Output>(
        (cb) => c.nodes.CreateEnrolment({ nodeId, operatorId: o.operator, validForSeconds }, c.metadata, deadline(), cb),
        "broker",
        c.brokerAddress,
      );
      out(
        g,
        res,
        [
          `${res.token}`,
          `(for node ${nodeId} of ${o.operator}; shown this once; usable once, until ${time(res.expireTime)})`,
          "On the node, run the agent with ENROLMENT_TOKEN set to it, TLS_CA_FILE, and TLS_CERT_FILE/TLS_KEY_FILE where its certificate and key are to be written.",
        ].join("\n"),
      );
    }, "operator");
  });

program
  .command("revoke-node <id>")
  .description("refuse a node at once (an operator's own nodes; an admin's any): it comes back only with a certificate issued after")
  .requiredOption("--operator <id>", "the node's operator")
  .option("--reason <text>", "why, for the record", "")
  .action(async (nodeId: string, o: { operator: string; reason: string }) => {
    await withClients(async (c, g) => {
      const res = await rpc<RevokeNodeResponse__Output>(
        (cb) => c.nodes.RevokeNode({ nodeId, operatorId: o.operator, reason: o.reason }, c.metadata, deadline(), cb),
        "broker",
        c.brokerAddress,
      );
      out(g, res, `node ${nodeId} revoked at ${time(res.revokeTime)}: refused from now on; its jobs move when its lease runs out`);
    }, "operator");
  });

program
  .command("usage")
  .description("your settled usage, from settlement")
  .option("--job <id>", "one job only")
  .action(async (o: { job?: string }) => {
    await withClients(async (c, g) => {
      const res = await rpc<GetUsageResponse__Output>(
        (cb) => c.accounts.GetUsage({ jobId: o.job ?? "" }, c.metadata, deadline(), cb),
        "settlement",
        c.settlementAddress,
      );
      out(g, res, `settled ${formatMst(BigInt(res.settledMst))} (${res.settledMst} mST) in ${res.eventCount} usage events`);
    });
  });

program
  .command("packages")
  .description("token packages on sale")
  .action(async () => {
    await withClients(async (c, g) => {
      const res = await rpc<ListPackagesResponse__Output>(
        (cb) => c.accounts.ListPackages({}, c.metadata, deadline(), cb),
        "settlement",
        c.settlementAddress,
      );
      out(
        g,
        res,
        table(
          ["package", "tokens", "price (yuan)", "yuan per million ST", "valid", "condition"],
          res.packages.map((p) => [
            p.packageId,
            formatMst(BigInt(p.sizeMst)),
            (Number(p.priceMicroYuan) / 1e6).toFixed(2),
            ((Number(p.priceMicroYuan) / 1e6 / (Number(p.sizeMst) / 1000)) * 1e6).toFixed(3),
            `${p.validityDays} days`,
            short(String(p.condition), "PACKAGE_CONDITION_").toLowerCase(),
          ]),
        ),
      );
    });
  });

program
  .command("buy <package>")
  .description("buy a token package")
  .option("--request-id <id>", "idempotency key; reuse it to retry safely (default: random)")
  .action(async (packageId: string, o: { requestId?: string }) => {
    await withClients(async (c, g) => {
      const requestId = o.requestId ?? randomUUID();
      const res = await rpc<PurchasePackageResponse__Output>(
        (cb) => c.accounts.PurchasePackage({ requestId, packageId }, c.metadata, deadline(), cb),
        "settlement",
        c.settlementAddress,
      );
      const lot = res.lot!;
      out(
        g,
        { ...res, requestId },
        `${res.created ? "bought" : "already bought (same request id)"}: ${formatMst(BigInt(lot.availableMst))} in lot ${lot.lotId}, valid until ${time(lot.expireTime)}`,
      );
    });
  });

program
  .command("balance")
  .description("your tokens: available, held for running jobs, and each lot")
  .action(async () => {
    await withClients(async (c, g) => {
      const res = await rpc<GetBalanceResponse__Output>(
        (cb) => c.accounts.GetBalance({}, c.metadata, deadline(), cb),
        "settlement",
        c.settlementAddress,
      );
      const head = `available ${formatMst(BigInt(res.availableMst))}, held ${formatMst(BigInt(res.heldMst))}`;
      const lots =
        res.lots.length === 0
          ? "no lots yet; try: pnpm tokengrid packages, then pnpm tokengrid buy <package>"
          : table(
              ["lot", "package", "available", "held", "expires", "pays for"],
              res.lots.map((l) => [
                l.lotId,
                l.packageId,
                formatMst(BigInt(l.availableMst)),
                formatMst(BigInt(l.heldMst)),
                time(l.expireTime),
                short(String(l.condition), "PACKAGE_CONDITION_").toLowerCase().replace("none", "any usage"),
              ]),
            );
      out(g, res, `${head}\n${lots}`);
    });
  });

program
  .command("statement")
  .description("your ledger per day or month: tokens bought, used, lapsed, money paid (or, with --operator, earned)")
  .option("--by <period>", "day or month", "day")
  .option("--operator <id>", "the operator's statement instead of the tenant's")
  .action(async (o: { by: string; operator?: string }) => {
    if (o.by !== "day" && o.by !== "month") throw new CliError("INVALID_ARGUMENT", `--by: day or month; got ${JSON.stringify(o.by)}`);
    await withClients(
      async (c, g) => {
        const md = c.metadata.clone();
        if (o.operator) md.set("x-operator-id", o.operator);
        const period = o.by === "month" ? "STATEMENT_PERIOD_MONTH" : "STATEMENT_PERIOD_DAY";
        const res = await rpc<GetStatementResponse__Output>(
          (cb) => c.accounts.GetStatement({ period }, md, deadline(), cb),
          "settlement",
          c.settlementAddress,
        );
        const yuan = (micro: string) => (Number(micro) / 1e6).toFixed(2);
        const rows = o.operator
          ? res.lines.map((l) => [l.period, yuan(l.earnedMicroYuan)])
          : res.lines.map((l) => [
              l.period,
              formatMst(BigInt(l.boughtMst)),
              formatMst(BigInt(l.usedMst)),
              formatMst(BigInt(l.lapsedMst)),
              yuan(l.paidMicroYuan),
            ]);
        const head = o.operator ? [o.by, "earned (yuan)"] : [o.by, "bought", "used", "lapsed", "paid (yuan)"];
        out(g, res, rows.length === 0 ? "nothing in this period" : table(head, rows));
      },
      o.operator ? "operator" : "tenant",
    );
  });

program
  .command("report <kind>")
  .description("usage, revenue, green or quarantined-usage tables from the analysts' views (usage|revenue|green|quarantine)")
  .option("--by <key>", "region, tenant or node", "region")
  .option("--since <span>", "how far back: 7d, 24h, 30m", "7d")
  .addOption(new Option("--database <url>", "the settlement database").env("DATABASE_URL").default(DEFAULT_DATABASE_URL))
  .action(async (kind: string, o: { by: string; since: string; database: string }) => {
    const g = globals();
    if (!["usage", "revenue", "green", "quarantine"].includes(kind))
      throw new CliError("INVALID_ARGUMENT", `report: usage, revenue, green or quarantine; got ${JSON.stringify(kind)}`);
    if (!["region", "tenant", "node"].includes(o.by))
      throw new CliError("INVALID_ARGUMENT", `--by: region, tenant or node; got ${JSON.stringify(o.by)}`);
    let r;
    try {
      r = await report(o.database, kind as ReportKind, o.by as ReportBy, o.since);
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (code === "ECONNREFUSED")
        throw new CliError("UNAVAILABLE", `PostgreSQL is not reachable at ${o.database}.\n  To start it: ${HOW_TO_START.postgres}`);
      throw new CliError(code === "3D000" ? "NOT_FOUND" : "INVALID_ARGUMENT", (err as Error).message);
    }
    out(g, r, r.rows.length === 0 ? `no ${kind} in the last ${o.since}` : `${kind} by ${o.by}, last ${o.since}\n${table(r.head, r.rows)}`);
  });

const keys = program
  .command("keys")
  .description("API keys for tenants, operators and admins (an admin's job: needs NATS access to the keys bucket)")
  .addOption(new Option("--nats <url>", "NATS").env("NATS_URL").default(DEFAULT_NATS_URL))
  .addOption(new Option("--namespace <ns>", "the deployment's namespace").env("TOKENGRID_NAMESPACE").default("tokengrid"));

async function withKeys<T>(fn: (store: ApiKeyStore) => Promise<T>): Promise<T> {
  const o = keys.opts<{ nats: string; namespace: string }>();
  let nc;
  try {
    nc = await connectNats(o.nats, "tokengrid-cli-keys");
  } catch (err) {
    throw new CliError("UNAVAILABLE", `${(err as Error).message}`);
  }
  try {
    return await fn(await ApiKeyStore.open(nc, names(o.namespace).apiKeysBucket));
  } finally {
    await nc.close();
  }
}

keys
  .command("create")
  .description("make a key; it is printed once, and only its hash is kept")
  .requiredOption("--role <role>", `one of ${ROLES.join(", ")}`)
  .option("--subject <id>", "the tenant (role tenant) or operator (role operator) it acts for")
  .option("--label <text>", "who it is for, in words", "")
  .action(async (o: { role: string; subject?: string; label: string }) => {
    if (!(ROLES as readonly string[]).includes(o.role))
      throw new CliError("INVALID_ARGUMENT", `--role: one of ${ROLES.join(", ")}; got ${JSON.stringify(o.role)}`);
    const role = o.role as Role;
    if (role === "admin" && o.subject !== undefined)
      throw new CliError("INVALID_ARGUMENT", "--subject: an admin key acts for no one in particular; leave it out");
    if (role !== "admin" && (o.subject === undefined || !isValidId(o.subject)))
      throw new CliError("INVALID_ARGUMENT", `--subject: the ${role}'s id (1..64 letters, digits, '.', '_' or '-')`);
    if (o.label.length > 200) throw new CliError("INVALID_ARGUMENT", "--label: at most 200 characters");
    const { key, record } = await withKeys((k) => k.create(role, o.subject ?? "", o.label));
    out(
      globals(),
      { key, ...record },
      `${key}\n(key ${record.keyId}, ${role}${record.subject ? ` ${record.subject}` : ""}: shown this once; pass it as TOKENGRID_API_KEY)`,
    );
  });

keys
  .command("list")
  .description("every key: id, role, whom it acts for, label, when made (never the key)")
  .action(async () => {
    const all = await withKeys((k) => k.list());
    out(
      globals(),
      { keys: all },
      all.length === 0
        ? "no keys"
        : table(
            ["key id", "role", "subject", "label", "made"],
            all.map((r) => [r.keyId, r.role, r.subject, r.label, new Date(r.createdMs).toISOString()]),
          ),
    );
  });

keys
  .command("revoke <keyId>")
  .description("revoke a key: the broker and settlement refuse it at once")
  .action(async (keyId: string) => {
    if (!(await withKeys((k) => k.revoke(keyId))))
      throw new CliError("NOT_FOUND", `no key with id ${JSON.stringify(keyId)} (tokengrid keys list shows them)`);
    out(globals(), { revoked: keyId }, `revoked ${keyId}`);
  });

const certs = program
  .command("certs")
  .description("a development CA and certificates for mutual TLS (docs/security.md has the production way)");

certs
  .command("init")
  .description("make a CA in --dir (ca.pem, and ca-key.pem, which signs every certificate: keep it safe)")
  .requiredOption("--dir <dir>", "where the CA and certificates are kept")
  .action(async (o: { dir: string }) => {
    const dir = new CertDir(o.dir);
    if (existsSync(dir.caFile))
      throw new CliError("ALREADY_EXISTS", `${dir.caFile} exists; a new CA would orphan every certificate it issued`);
    await dir.ca(true);
    out(globals(), { caFile: dir.caFile }, `CA made: ${dir.caFile} (its key: ${join(o.dir, "ca-key.pem")}, readable by you only)`);
  });

certs
  .command("issue")
  .description("issue a certificate with the CA in --dir: for a service (--service) or a node (--node and --operator)")
  .requiredOption("--dir <dir>", "where the CA is; the certificate and key are written there")
  .option("--service <name>", "broker or settlement")
  .option("--node <id>", "the node's id")
  .option("--operator <id>", "the node's operator")
  .option("--host <names>", "host names and IP addresses the service answers on, comma-separated", "127.0.0.1,localhost")
  .option("--days <n>", "days it is valid", "365")
  .action(async (o: { dir: string; service?: string; node?: string; operator?: string; host: string; days: string }) => {
    const days = Number(o.days);
    if (!Number.isInteger(days) || days < 1 || days > 3650)
      throw new CliError("INVALID_ARGUMENT", `--days: a whole number from 1 to 3650; got ${JSON.stringify(o.days)}`);
    if ((o.service === undefined) === (o.node === undefined))
      throw new CliError("INVALID_ARGUMENT", "give --service <broker|settlement>, or --node <id> with --operator <id>");
    if (o.service !== undefined && !["broker", "settlement"].includes(o.service))
      throw new CliError("INVALID_ARGUMENT", `--service: broker or settlement; got ${JSON.stringify(o.service)}`);
    if (o.node !== undefined && o.operator === undefined)
      throw new CliError("INVALID_ARGUMENT", "--node needs --operator <id>: a node belongs to one operator");
    for (const [flag, id] of [
      ["--node", o.node],
      ["--operator", o.operator],
    ] as const)
      if (id !== undefined && !isValidId(id)) throw new CliError("INVALID_ARGUMENT", `${flag}: 1..64 letters, digits, '.', '_' or '-'`);
    const hosts = o.service !== undefined ? o.host.split(",").filter(Boolean) : [];
    let tls;
    try {
      const dir = new CertDir(o.dir);
      tls = o.service !== undefined ? await dir.issueService(o.service, hosts, days) : await dir.issueNode(o.operator!, o.node!, { days });
    } catch (err) {
      throw new CliError("FAILED_PRECONDITION", (err as Error).message);
    }
    const identity = o.service !== undefined ? serviceIdentity(o.service) : nodeIdentity(o.operator!, o.node!);
    const env = CertDir.env(tls);
    out(
      globals(),
      { identity, hosts, ...tls },
      [
        `issued ${identity}${hosts.length > 0 ? ` for ${hosts.join(", ")}` : ""}, valid ${days} days; run with:`,
        ...Object.entries(env).map(([k, v]) => `  ${k}=${v}`),
      ].join("\n"),
    );
  });

certs
  .command("show <file>")
  .description("who a certificate names, for which hosts, issued by whom, until when")
  .action((file: string) => {
    let c;
    try {
      c = describeCertificate(readFileSync(file, "utf8"));
    } catch (err) {
      throw new CliError("INVALID_ARGUMENT", `${file}: not a PEM certificate (${(err as Error).message})`);
    }
    out(
      globals(),
      c,
      [
        `subject   ${c.subject}`,
        `issuer    ${c.issuer}`,
        `identity  ${c.uris.join(", ") || "(none)"}`,
        `hosts     ${c.hosts.join(", ") || "(none)"}`,
        `valid to  ${c.validTo}`,
      ].join("\n"),
    );
  });

program
  .command("up")
  .description("start settlement, the broker and a simulated fleet on this machine (pnpm start)")
  .option("--namespace <ns>", "prefix of NATS streams and buckets", "tokengrid")
  .option("--time-scale <x>", "simulated seconds per second for the fleet", "60")
  .action(async (o: { namespace: string; timeScale: string }) => {
    const timeScale = Number(o.timeScale);
    if (!(timeScale > 0)) throw new CliError("INVALID_ARGUMENT", `--time-scale: a positive number, got ${JSON.stringify(o.timeScale)}`);
    await up({ namespace: o.namespace, timeScale, json: globals().json });
  });

try {
  await program.parseAsync(process.argv);
} catch (err) {
  const g = program.opts<Globals>();
  const e = err instanceof CliError ? err : new CliError("ERROR", err instanceof Error ? err.message : String(err));
  if (g.json) process.stdout.write(`${JSON.stringify({ error: { code: e.code, message: e.message } })}\n`);
  else process.stderr.write(`error: ${e.code === "ERROR" ? "" : `${e.code}: `}${e.message}\n`);
  process.exitCode = e.code === "INVALID_ARGUMENT" ? 2 : 1;
}
