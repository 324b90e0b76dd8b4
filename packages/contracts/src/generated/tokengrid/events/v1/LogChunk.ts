// Original file: tokengrid/events/v1/events.proto

import type { LogStream as _tokengrid_job_v1_LogStream, LogStream__Output as _tokengrid_job_v1_LogStream__Output } from '../../../tokengrid/job/v1/LogStream.js';
import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from '../../../google/protobuf/Timestamp.js';
import type { Long } from '@grpc/proto-loader';

/**
 * LogChunk is a piece of what a replica's program wrote, published by the
 * node agent on "<namespace>.logs.<node_id>.<job_id>.<replica>"; the logs
 * stream keeps a bounded number of chunks per subject, oldest dropped first.
 */
export interface LogChunk {
  'jobId'?: (string);
  'replica'?: (number);
  'attempt'?: (number);
  'stream'?: (_tokengrid_job_v1_LogStream);
  /**
   * UTF-8 text, at most 16 KiB a chunk.
   */
  'text'?: (string);
  'time'?: (_google_protobuf_Timestamp | null);
  /**
   * Bytes of this replica's output written before this chunk (across its
   * streams, in this run): a reader that finds a gap knows what was dropped.
   */
  'offset'?: (number | string | Long);
  'nodeId'?: (string);
  /**
   * Bytes of output the chunk holds (its text may differ where the output
   * was not valid UTF-8).
   */
  'length'?: (number | string | Long);
}

/**
 * LogChunk is a piece of what a replica's program wrote, published by the
 * node agent on "<namespace>.logs.<node_id>.<job_id>.<replica>"; the logs
 * stream keeps a bounded number of chunks per subject, oldest dropped first.
 */
export interface LogChunk__Output {
  'jobId': (string);
  'replica': (number);
  'attempt': (number);
  'stream': (_tokengrid_job_v1_LogStream__Output);
  /**
   * UTF-8 text, at most 16 KiB a chunk.
   */
  'text': (string);
  'time': (_google_protobuf_Timestamp__Output | null);
  /**
   * Bytes of this replica's output written before this chunk (across its
   * streams, in this run): a reader that finds a gap knows what was dropped.
   */
  'offset': (string);
  'nodeId': (string);
  /**
   * Bytes of output the chunk holds (its text may differ where the output
   * was not valid UTF-8).
   */
  'length': (string);
}
