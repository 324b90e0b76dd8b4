// Original file: tokengrid/job/v1/job.proto

import type { PluginScore as _tokengrid_job_v1_PluginScore, PluginScore__Output as _tokengrid_job_v1_PluginScore__Output } from '../../../tokengrid/job/v1/PluginScore.js';
import type { Long } from '@grpc/proto-loader';

/**
 * ScheduleCandidate is a place the job could go, with its scores.
 */
export interface ScheduleCandidate {
  'cluster'?: (string);
  'deviceModel'?: (string);
  'nodeIds'?: (string)[];
  'totalScore'?: (number | string | Long);
  'scores'?: (_tokengrid_job_v1_PluginScore)[];
}

/**
 * ScheduleCandidate is a place the job could go, with its scores.
 */
export interface ScheduleCandidate__Output {
  'cluster': (string);
  'deviceModel': (string);
  'nodeIds': (string)[];
  'totalScore': (string);
  'scores': (_tokengrid_job_v1_PluginScore__Output)[];
}
