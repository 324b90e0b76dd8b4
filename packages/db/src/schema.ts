/** The settlement database, as kysely sees it. */
import type { ColumnType, Generated, Insertable, Selectable } from "kysely";

/** bigint columns come back from pg as strings; we write bigint or string. */
export type Int8 = ColumnType<string, bigint | string, bigint | string>;
/** A bigint column with a default. */
export type Int8Default = ColumnType<string, bigint | string | undefined, bigint | string>;
export type Timestamptz = ColumnType<Date, Date | string, Date | string>;

export interface UsageEventTable {
  event_id: string;
  job_id: string;
  tenant_id: string;
  node_id: string;
  operator_id: string;
  cluster: string;
  device_model: string;
  device_count: number;
  amount_mst: Int8;
  seq: number;
  /** Which replica of a gang did the work (0 for single-replica jobs). */
  replica: Generated<number>;
  period_start: Timestamptz;
  period_end: Timestamptz;
  final: boolean;
  /** What settlement paid the node's operator for this event, nano-yuan. */
  operator_nano_yuan: Generated<Int8>;
  /** The platform's margin on it, nano-yuan. */
  margin_nano_yuan: Generated<Int8>;
  /** Estimated energy of the work, kWh; its renewable part; CO2 of the rest, grams. */
  energy_kwh: Generated<number>;
  green_kwh: Generated<number>;
  co2_grams: Generated<number>;
  settled_at: Generated<Timestamptz>;
}

/** Where one replica of one placement of a job ran (from the broker's job events). */
export interface JobAssignmentTable {
  job_id: string;
  tenant_id: string;
  attempt: number;
  replica: number;
  node_id: string;
  device_count: number;
  assigned_at: Timestamptz;
  /** When the placement ended (the job finished or was requeued); null while it runs. */
  ended_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  /** The placement's terms (the broker's job event, the node's registration); null on placements recorded before them. */
  kind: ColumnType<string | null, string | null | undefined, string | null>;
  precision: ColumnType<string | null, string | null | undefined, string | null>;
  cluster: ColumnType<string | null, string | null | undefined, string | null>;
  device_model: ColumnType<string | null, string | null | undefined, string | null>;
}

/** How far one replica's paid usage has come (its last event's seq and period end). */
export interface ReplicaProgressTable {
  job_id: string;
  attempt: number;
  replica: number;
  last_seq: number;
  last_period_end: Timestamptz;
  /** mST paid for this replica's placement so far: never more than its devices could do in its time. */
  paid_mst: Int8Default;
}

/** An ended job's bill: what its record kept, and what was given back of what the tenant was charged beyond it. */
export interface JobBillTable {
  job_id: string;
  tenant_id: string;
  state: string;
  size_mst: Int8;
  kept_mst: Int8;
  returned_mst: Int8Default;
  reported_mst: Int8Default;
  reported_tokens: Int8Default;
  ended_at: Timestamptz;
}

/** Usage refused before it was paid, with why. */
export interface UsageQuarantineTable {
  event_id: string;
  job_id: string;
  tenant_id: string;
  node_id: string;
  operator_id: string;
  attempt: number;
  replica: number;
  device_model: string;
  device_count: number;
  amount_mst: Int8;
  period_start: Timestamptz;
  period_end: Timestamptz;
  /** A digest of what the event said: the same id may be quarantined once per content. */
  digest: string;
  /** A short, stable name for the reason, to count by. */
  code: string;
  reason: string;
  quarantined_at: Generated<Timestamptz>;
}

/** A node as settlement last saw it in the node registry. */
export interface NodeTable {
  node_id: string;
  operator_id: string;
  cluster: string;
  device_model: string;
  devices: number;
  registered_at: Timestamptz;
  updated_at: Generated<Timestamptz>;
}

export interface JobTable {
  job_id: string;
  tenant_id: string;
  kind: string;
  state: string;
  size_mst: Int8;
  node_id: string | null;
  cluster: string | null;
  /** Index of the latest transition applied; older events never overwrite newer. */
  version: number;
  created_at: Timestamptz;
  updated_at: Timestamptz;
  message: string;
}

export interface JobEventTable {
  event_id: string;
  job_id: string;
  tenant_id: string;
  state: string;
  node_id: string | null;
  cluster: string | null;
  occurred_at: Timestamptz;
  message: string;
  recorded_at: Generated<Timestamptz>;
}

/** What a package's tokens may pay for: any usage, usage on power at least 50 % renewable, or usage 23:00–07:00 CST. */
export type PackageCondition = "none" | "green_only" | "off_peak";

export interface LedgerAccountTable {
  id: string;
  ledger: "ST" | "CNY";
  kind: string;
  owner: string;
  debits_posted: Int8Default;
  credits_posted: Int8Default;
  debits_pending: Int8Default;
  credits_pending: Int8Default;
  debits_must_not_exceed_credits: Generated<boolean>;
  credits_must_not_exceed_debits: Generated<boolean>;
  expires_at: Timestamptz | null;
  /** A lot's package condition: which usage its tokens may pay for. */
  condition: ColumnType<PackageCondition, PackageCondition | undefined, PackageCondition>;
  created_at: Generated<Timestamptz>;
}

export interface LedgerTransferTable {
  id: string;
  ledger: "ST" | "CNY";
  debit_account_id: string;
  credit_account_id: string;
  amount: Int8;
  kind: string;
  status: "posted" | "pending" | "voided" | "closed";
  pending_remaining: Int8Default;
  pending_id: string | null;
  hold_id: string | null;
  job_id: string | null;
  expires_at: Timestamptz | null;
  created_at: Generated<Timestamptz>;
}

export interface PackageTable {
  id: string;
  name: string;
  size_mst: Int8;
  price_micro_yuan: Int8;
  validity_days: number;
  condition: PackageCondition;
  active: Generated<boolean>;
}

export interface PurchaseTable {
  request_id: string;
  tenant_id: string;
  package_id: string;
  lot_account_id: string;
  created_at: Generated<Timestamptz>;
}

export interface EarningsAccrualTable {
  account_id: string;
  accrued_nano_yuan: ColumnType<string, string | undefined, string>;
  paid_micro_yuan: Int8Default;
}

export interface Database {
  earnings_accruals: EarningsAccrualTable;
  ledger_accounts: LedgerAccountTable;
  ledger_transfers: LedgerTransferTable;
  packages: PackageTable;
  purchases: PurchaseTable;
  usage_events: UsageEventTable;
  job_assignments: JobAssignmentTable;
  replica_progress: ReplicaProgressTable;
  usage_quarantine: UsageQuarantineTable;
  job_bills: JobBillTable;
  nodes: NodeTable;
  jobs: JobTable;
  job_events: JobEventTable;
}

export type UsageEventRow = Selectable<UsageEventTable>;
export type NewUsageEvent = Insertable<UsageEventTable>;
export type JobRow = Selectable<JobTable>;
export type NewJob = Insertable<JobTable>;
export type NewJobEvent = Insertable<JobEventTable>;
