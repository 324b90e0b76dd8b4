// Original file: tokengrid/job/v1/job.proto

import type { Long } from '@grpc/proto-loader';

/**
 * PluginScore is one plugin's normalised score, 0..100.
 */
export interface PluginScore {
  'plugin'?: (string);
  'score'?: (number | string | Long);
}

/**
 * PluginScore is one plugin's normalised score, 0..100.
 */
export interface PluginScore__Output {
  'plugin': (string);
  'score': (string);
}
