// Original file: tokengrid/job/v1/job.proto

import type { LogStream as _tokengrid_job_v1_LogStream, LogStream__Output as _tokengrid_job_v1_LogStream__Output } from '../../../tokengrid/job/v1/LogStream.js';
import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from '../../../google/protobuf/Timestamp.js';
import type { Long } from '@grpc/proto-loader';

/**
 * ReadJobLogsResponse is one chunk of output.
 */
export interface ReadJobLogsResponse {
  'replica'?: (number);
  /**
   * The run of the replica it came from: 1 for the first placement, ...
   */
  'attempt'?: (number);
  'stream'?: (_tokengrid_job_v1_LogStream);
  /**
   * UTF-8 text as written (a chunk ends at a line end where it can).
   */
  'text'?: (string);
  /**
   * When the node read it.
   */
  'time'?: (_google_protobuf_Timestamp | null);
  /**
   * Bytes of this replica's output dropped before this chunk (the oldest go
   * first once a replica's output passes the node's limit); 0 normally.
   */
  'droppedBytes'?: (number | string | Long);
  'nodeId'?: (string);
}

/**
 * ReadJobLogsResponse is one chunk of output.
 */
export interface ReadJobLogsResponse__Output {
  'replica': (number);
  /**
   * The run of the replica it came from: 1 for the first placement, ...
   */
  'attempt': (number);
  'stream': (_tokengrid_job_v1_LogStream__Output);
  /**
   * UTF-8 text as written (a chunk ends at a line end where it can).
   */
  'text': (string);
  /**
   * When the node read it.
   */
  'time': (_google_protobuf_Timestamp__Output | null);
  /**
   * Bytes of this replica's output dropped before this chunk (the oldest go
   * first once a replica's output passes the node's limit); 0 normally.
   */
  'droppedBytes': (string);
  'nodeId': (string);
}
