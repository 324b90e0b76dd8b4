// Original file: tokengrid/node/v1/node.proto

import type { Node as _tokengrid_node_v1_Node, Node__Output as _tokengrid_node_v1_Node__Output } from '../../../tokengrid/node/v1/Node.js';

/**
 * ListNodesResponse is one page of nodes.
 */
export interface ListNodesResponse {
  'nodes'?: (_tokengrid_node_v1_Node)[];
  'nextPageToken'?: (string);
}

/**
 * ListNodesResponse is one page of nodes.
 */
export interface ListNodesResponse__Output {
  'nodes': (_tokengrid_node_v1_Node__Output)[];
  'nextPageToken': (string);
}
