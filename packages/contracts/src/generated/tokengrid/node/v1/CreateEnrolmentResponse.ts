// Original file: tokengrid/node/v1/node.proto

import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from '../../../google/protobuf/Timestamp.js';

/**
 * CreateEnrolmentResponse carries the token: shown once, stored only as a hash.
 */
export interface CreateEnrolmentResponse {
  'token'?: (string);
  'expireTime'?: (_google_protobuf_Timestamp | null);
}

/**
 * CreateEnrolmentResponse carries the token: shown once, stored only as a hash.
 */
export interface CreateEnrolmentResponse__Output {
  'token': (string);
  'expireTime': (_google_protobuf_Timestamp__Output | null);
}
