/**
 * The node registry as settlement sees it: each node's registration, kept
 * current by a watch on the registry, so that usage is priced with the node's
 * own figures (PUE, tariff, green contract, calibrated speed), as the broker
 * priced the node when it matched work to it.
 */
import { fromTimestamp, type NodeRecord__Output } from "@tokengrid/contracts";
import type { Database, Kysely } from "@tokengrid/db";
import type { NodeFigures } from "@tokengrid/domain";
import type { NodeRegistry } from "@tokengrid/events";

/** How long a node the registry did not have is taken as unregistered before asking again. */
const RETRY_MISSING_MS = 30_000;

export class NodeDirectory {
  private readonly records = new Map<string, NodeRecord__Output>();
  private readonly missing = new Map<string, number>();
  private stopWatch: () => void = () => {};

  private constructor(
    private readonly registry: NodeRegistry,
    private readonly now: () => number,
  ) {}

  /** `onRecord` sees every registration as it arrives (settlement keeps them in its `nodes` table). */
  static async open(
    registry: NodeRegistry,
    onRecord: (r: NodeRecord__Output) => void = () => {},
    now: () => number = Date.now,
  ): Promise<NodeDirectory> {
    const d = new NodeDirectory(registry, now);
    d.stopWatch = await registry.watch((r) => {
      d.records.set(r.nodeId, r);
      d.missing.delete(r.nodeId);
      onRecord(r);
    });
    return d;
  }

  /**
   * The node's registration; null when the registry has no such node (it
   * never registered); undefined when settlement has not looked yet (call load).
   */
  record(nodeId: string): NodeRecord__Output | null | undefined {
    const r = this.records.get(nodeId);
    if (r) return r;
    const since = this.missing.get(nodeId);
    return since !== undefined && this.now() - since < RETRY_MISSING_MS ? null : undefined;
  }

  /** Looks up nodes not seen yet (the watch may not have brought a new node's record yet). */
  async load(nodeIds: Iterable<string>): Promise<void> {
    for (const id of new Set(nodeIds)) {
      if (this.record(id) !== undefined) continue;
      const r = await this.registry.get(id);
      if (r) {
        this.records.set(id, r);
        this.missing.delete(id);
      } else this.missing.set(id, this.now());
    }
  }

  close(): void {
    this.stopWatch();
  }
}

/** A node's own figures for work on one of its device models (0 in the record means "the cluster's"). */
export function figuresOf(record: NodeRecord__Output, deviceModel: string): NodeFigures {
  const e = record.energy;
  const calibrated = record.accelerators.find((a) => a.model === deviceModel)?.calibratedStPerSecond ?? 0;
  return {
    ...(e && e.pue > 0 ? { pue: e.pue } : {}),
    ...(e && e.tariffYuanPerKwh > 0 ? { flatTariffYuanPerKwh: e.tariffYuanPerKwh } : {}),
    ...(e && e.greenShare > 0 ? { greenShare: e.greenShare } : {}),
    ...(calibrated > 0 ? { stPerSecondPerDevice: calibrated } : {}),
  };
}

/** Keeps a node's registration in settlement's `nodes` table, for analysts (utilisation). */
export async function recordNode(db: Kysely<Database>, r: NodeRecord__Output): Promise<void> {
  const devices = r.accelerators.reduce((n, a) => n + a.count, 0);
  if (devices <= 0) return;
  const row = {
    node_id: r.nodeId,
    operator_id: r.operatorId,
    cluster: r.cluster,
    device_model: r.accelerators[0]!.model,
    devices,
    registered_at: new Date(r.registeredTime ? fromTimestamp(r.registeredTime) : Date.now()),
  };
  await db
    .insertInto("nodes")
    .values(row)
    .onConflict((oc) => oc.column("node_id").doUpdateSet({ ...row, updated_at: new Date() }))
    .execute();
}
