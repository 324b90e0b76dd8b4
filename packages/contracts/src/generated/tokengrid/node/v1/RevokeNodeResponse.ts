// Original file: tokengrid/node/v1/node.proto

import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from '../../../google/protobuf/Timestamp.js';

/**
 * RevokeNodeResponse says from when certificates issued for the node are refused.
 */
export interface RevokeNodeResponse {
  'revokeTime'?: (_google_protobuf_Timestamp | null);
}

/**
 * RevokeNodeResponse says from when certificates issued for the node are refused.
 */
export interface RevokeNodeResponse__Output {
  'revokeTime': (_google_protobuf_Timestamp__Output | null);
}
