/** The settlement database, as kysely sees it. */
import type { ColumnType, Generated, Insertable, Selectable } from "kysely";

/** bigint columns come back from pg as strings; we write bigint or string. */
export type Int8 = ColumnType<string, bigint | string, bigint | string>;
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
  settled_at: Generated<Timestamptz>;
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

export interface Database {
  usage_events: UsageEventTable;
  jobs: JobTable;
  job_events: JobEventTable;
}

export type UsageEventRow = Selectable<UsageEventTable>;
export type NewUsageEvent = Insertable<UsageEventTable>;
export type JobRow = Selectable<JobTable>;
export type NewJob = Insertable<JobTable>;
export type NewJobEvent = Insertable<JobEventTable>;
