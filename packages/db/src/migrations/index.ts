import type { Migration } from "kysely";
import * as m0001 from "./2026_11_29_0001_usage_and_jobs.js";
import * as m0002 from "./2026_11_29_0002_usage_replica.js";
import * as m0003 from "./2026_11_29_0003_ledger.js";
import * as m0004 from "./2026_11_29_0004_analytics.js";
import * as m0005 from "./2026_11_29_0005_accruals.js";
import * as m0006 from "./2026_11_29_0006_usage_partitions.js";
import * as m0007 from "./2026_11_29_0007_job_usage.js";
import * as m0008 from "./2026_11_29_0008_usage_value.js";
import * as m0009 from "./2026_11_29_0009_lot_conditions.js";
import * as m0010 from "./2026_11_29_0010_energy_and_nodes.js";
import * as m0011 from "./2026_11_29_0011_assignments_and_quarantine.js";
import * as m0012 from "./2026_12_01_0012_bills_and_placement_terms.js";
import * as m0013 from "./2026_12_01_0013_utilisation.js";

/** Every migration, by sortable name. Add new ones at the end. */
export const MIGRATIONS: Record<string, Migration> = {
  "2026_11_29_0001_usage_and_jobs": m0001,
  "2026_11_29_0002_usage_replica": m0002,
  "2026_11_29_0003_ledger": m0003,
  "2026_11_29_0004_analytics": m0004,
  "2026_11_29_0005_accruals": m0005,
  "2026_11_29_0006_usage_partitions": m0006,
  "2026_11_29_0007_job_usage": m0007,
  "2026_11_29_0008_usage_value": m0008,
  "2026_11_29_0009_lot_conditions": m0009,
  "2026_11_29_0010_energy_and_nodes": m0010,
  "2026_11_29_0011_assignments_and_quarantine": m0011,
  "2026_12_01_0012_bills_and_placement_terms": m0012,
  "2026_12_01_0013_utilisation": m0013,
};
