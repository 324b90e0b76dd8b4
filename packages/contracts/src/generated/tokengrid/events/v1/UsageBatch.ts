// Original file: tokengrid/events/v1/events.proto

import type { UsageEvent as _tokengrid_events_v1_UsageEvent, UsageEvent__Output as _tokengrid_events_v1_UsageEvent__Output } from '../../../tokengrid/events/v1/UsageEvent.js';

/**
 * UsageBatch is what a node's agent publishes: one or more usage events, each
 * with its own id. Nats-Msg-Id = "batch:<first event id>:<count>".
 */
export interface UsageBatch {
  /**
   * 1..1000 events.
   */
  'events'?: (_tokengrid_events_v1_UsageEvent)[];
}

/**
 * UsageBatch is what a node's agent publishes: one or more usage events, each
 * with its own id. Nats-Msg-Id = "batch:<first event id>:<count>".
 */
export interface UsageBatch__Output {
  /**
   * 1..1000 events.
   */
  'events': (_tokengrid_events_v1_UsageEvent__Output)[];
}
