// Original file: tokengrid/node/v1/node.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { ConnectRequest as _tokengrid_node_v1_ConnectRequest, ConnectRequest__Output as _tokengrid_node_v1_ConnectRequest__Output } from '../../../tokengrid/node/v1/ConnectRequest.js';
import type { ConnectResponse as _tokengrid_node_v1_ConnectResponse, ConnectResponse__Output as _tokengrid_node_v1_ConnectResponse__Output } from '../../../tokengrid/node/v1/ConnectResponse.js';
import type { CreateEnrolmentRequest as _tokengrid_node_v1_CreateEnrolmentRequest, CreateEnrolmentRequest__Output as _tokengrid_node_v1_CreateEnrolmentRequest__Output } from '../../../tokengrid/node/v1/CreateEnrolmentRequest.js';
import type { CreateEnrolmentResponse as _tokengrid_node_v1_CreateEnrolmentResponse, CreateEnrolmentResponse__Output as _tokengrid_node_v1_CreateEnrolmentResponse__Output } from '../../../tokengrid/node/v1/CreateEnrolmentResponse.js';
import type { EnrolRequest as _tokengrid_node_v1_EnrolRequest, EnrolRequest__Output as _tokengrid_node_v1_EnrolRequest__Output } from '../../../tokengrid/node/v1/EnrolRequest.js';
import type { EnrolResponse as _tokengrid_node_v1_EnrolResponse, EnrolResponse__Output as _tokengrid_node_v1_EnrolResponse__Output } from '../../../tokengrid/node/v1/EnrolResponse.js';
import type { ListNodesRequest as _tokengrid_node_v1_ListNodesRequest, ListNodesRequest__Output as _tokengrid_node_v1_ListNodesRequest__Output } from '../../../tokengrid/node/v1/ListNodesRequest.js';
import type { ListNodesResponse as _tokengrid_node_v1_ListNodesResponse, ListNodesResponse__Output as _tokengrid_node_v1_ListNodesResponse__Output } from '../../../tokengrid/node/v1/ListNodesResponse.js';
import type { RegisterRequest as _tokengrid_node_v1_RegisterRequest, RegisterRequest__Output as _tokengrid_node_v1_RegisterRequest__Output } from '../../../tokengrid/node/v1/RegisterRequest.js';
import type { RegisterResponse as _tokengrid_node_v1_RegisterResponse, RegisterResponse__Output as _tokengrid_node_v1_RegisterResponse__Output } from '../../../tokengrid/node/v1/RegisterResponse.js';
import type { RevokeNodeRequest as _tokengrid_node_v1_RevokeNodeRequest, RevokeNodeRequest__Output as _tokengrid_node_v1_RevokeNodeRequest__Output } from '../../../tokengrid/node/v1/RevokeNodeRequest.js';
import type { RevokeNodeResponse as _tokengrid_node_v1_RevokeNodeResponse, RevokeNodeResponse__Output as _tokengrid_node_v1_RevokeNodeResponse__Output } from '../../../tokengrid/node/v1/RevokeNodeResponse.js';

/**
 * NodeService is the node agents' door (Register, Connect) and the operators'
 * view of the fleet (ListNodes).
 */
export interface NodeServiceClient extends grpc.Client {
  /**
   * Connect is the node's open line to the broker. The first message up must be
   * a hello; then heartbeats and job status go up, assignments and cancels come down.
   */
  Connect(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_tokengrid_node_v1_ConnectRequest, _tokengrid_node_v1_ConnectResponse__Output>;
  Connect(options?: grpc.CallOptions): grpc.ClientDuplexStream<_tokengrid_node_v1_ConnectRequest, _tokengrid_node_v1_ConnectResponse__Output>;
  /**
   * Connect is the node's open line to the broker. The first message up must be
   * a hello; then heartbeats and job status go up, assignments and cancels come down.
   */
  connect(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_tokengrid_node_v1_ConnectRequest, _tokengrid_node_v1_ConnectResponse__Output>;
  connect(options?: grpc.CallOptions): grpc.ClientDuplexStream<_tokengrid_node_v1_ConnectRequest, _tokengrid_node_v1_ConnectResponse__Output>;
  
  /**
   * CreateEnrolment makes a one-time token for a node (its operator's, or an
   * admin's call); the node's agent exchanges it with Enrol.
   */
  CreateEnrolment(argument: _tokengrid_node_v1_CreateEnrolmentRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tokengrid_node_v1_CreateEnrolmentResponse__Output>): grpc.ClientUnaryCall;
  CreateEnrolment(argument: _tokengrid_node_v1_CreateEnrolmentRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tokengrid_node_v1_CreateEnrolmentResponse__Output>): grpc.ClientUnaryCall;
  CreateEnrolment(argument: _tokengrid_node_v1_CreateEnrolmentRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tokengrid_node_v1_CreateEnrolmentResponse__Output>): grpc.ClientUnaryCall;
  CreateEnrolment(argument: _tokengrid_node_v1_CreateEnrolmentRequest, callback: grpc.requestCallback<_tokengrid_node_v1_CreateEnrolmentResponse__Output>): grpc.ClientUnaryCall;
  /**
   * CreateEnrolment makes a one-time token for a node (its operator's, or an
   * admin's call); the node's agent exchanges it with Enrol.
   */
  createEnrolment(argument: _tokengrid_node_v1_CreateEnrolmentRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tokengrid_node_v1_CreateEnrolmentResponse__Output>): grpc.ClientUnaryCall;
  createEnrolment(argument: _tokengrid_node_v1_CreateEnrolmentRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tokengrid_node_v1_CreateEnrolmentResponse__Output>): grpc.ClientUnaryCall;
  createEnrolment(argument: _tokengrid_node_v1_CreateEnrolmentRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tokengrid_node_v1_CreateEnrolmentResponse__Output>): grpc.ClientUnaryCall;
  createEnrolment(argument: _tokengrid_node_v1_CreateEnrolmentRequest, callback: grpc.requestCallback<_tokengrid_node_v1_CreateEnrolmentResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Enrol exchanges an enrolment token, once, for the node's certificate,
   * naming the node and operator the token was made for. Called over TLS
   * without a client certificate (the agent has none yet).
   */
  Enrol(argument: _tokengrid_node_v1_EnrolRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tokengrid_node_v1_EnrolResponse__Output>): grpc.ClientUnaryCall;
  Enrol(argument: _tokengrid_node_v1_EnrolRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tokengrid_node_v1_EnrolResponse__Output>): grpc.ClientUnaryCall;
  Enrol(argument: _tokengrid_node_v1_EnrolRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tokengrid_node_v1_EnrolResponse__Output>): grpc.ClientUnaryCall;
  Enrol(argument: _tokengrid_node_v1_EnrolRequest, callback: grpc.requestCallback<_tokengrid_node_v1_EnrolResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Enrol exchanges an enrolment token, once, for the node's certificate,
   * naming the node and operator the token was made for. Called over TLS
   * without a client certificate (the agent has none yet).
   */
  enrol(argument: _tokengrid_node_v1_EnrolRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tokengrid_node_v1_EnrolResponse__Output>): grpc.ClientUnaryCall;
  enrol(argument: _tokengrid_node_v1_EnrolRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tokengrid_node_v1_EnrolResponse__Output>): grpc.ClientUnaryCall;
  enrol(argument: _tokengrid_node_v1_EnrolRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tokengrid_node_v1_EnrolResponse__Output>): grpc.ClientUnaryCall;
  enrol(argument: _tokengrid_node_v1_EnrolRequest, callback: grpc.requestCallback<_tokengrid_node_v1_EnrolResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * ListNodes pages through the nodes the broker knows.
   */
  ListNodes(argument: _tokengrid_node_v1_ListNodesRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tokengrid_node_v1_ListNodesResponse__Output>): grpc.ClientUnaryCall;
  ListNodes(argument: _tokengrid_node_v1_ListNodesRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tokengrid_node_v1_ListNodesResponse__Output>): grpc.ClientUnaryCall;
  ListNodes(argument: _tokengrid_node_v1_ListNodesRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tokengrid_node_v1_ListNodesResponse__Output>): grpc.ClientUnaryCall;
  ListNodes(argument: _tokengrid_node_v1_ListNodesRequest, callback: grpc.requestCallback<_tokengrid_node_v1_ListNodesResponse__Output>): grpc.ClientUnaryCall;
  /**
   * ListNodes pages through the nodes the broker knows.
   */
  listNodes(argument: _tokengrid_node_v1_ListNodesRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tokengrid_node_v1_ListNodesResponse__Output>): grpc.ClientUnaryCall;
  listNodes(argument: _tokengrid_node_v1_ListNodesRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tokengrid_node_v1_ListNodesResponse__Output>): grpc.ClientUnaryCall;
  listNodes(argument: _tokengrid_node_v1_ListNodesRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tokengrid_node_v1_ListNodesResponse__Output>): grpc.ClientUnaryCall;
  listNodes(argument: _tokengrid_node_v1_ListNodesRequest, callback: grpc.requestCallback<_tokengrid_node_v1_ListNodesResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Register enrols the node (or refreshes its description) and opens a session.
   */
  Register(argument: _tokengrid_node_v1_RegisterRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tokengrid_node_v1_RegisterResponse__Output>): grpc.ClientUnaryCall;
  Register(argument: _tokengrid_node_v1_RegisterRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tokengrid_node_v1_RegisterResponse__Output>): grpc.ClientUnaryCall;
  Register(argument: _tokengrid_node_v1_RegisterRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tokengrid_node_v1_RegisterResponse__Output>): grpc.ClientUnaryCall;
  Register(argument: _tokengrid_node_v1_RegisterRequest, callback: grpc.requestCallback<_tokengrid_node_v1_RegisterResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Register enrols the node (or refreshes its description) and opens a session.
   */
  register(argument: _tokengrid_node_v1_RegisterRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tokengrid_node_v1_RegisterResponse__Output>): grpc.ClientUnaryCall;
  register(argument: _tokengrid_node_v1_RegisterRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tokengrid_node_v1_RegisterResponse__Output>): grpc.ClientUnaryCall;
  register(argument: _tokengrid_node_v1_RegisterRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tokengrid_node_v1_RegisterResponse__Output>): grpc.ClientUnaryCall;
  register(argument: _tokengrid_node_v1_RegisterRequest, callback: grpc.requestCallback<_tokengrid_node_v1_RegisterResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * RevokeNode refuses a node at once: its stream is closed, its jobs move
   * once its lease runs out, and every certificate issued for it before now
   * is refused from then on (a certificate issued later lets it back). For
   * the node's operator, or an admin.
   */
  RevokeNode(argument: _tokengrid_node_v1_RevokeNodeRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tokengrid_node_v1_RevokeNodeResponse__Output>): grpc.ClientUnaryCall;
  RevokeNode(argument: _tokengrid_node_v1_RevokeNodeRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tokengrid_node_v1_RevokeNodeResponse__Output>): grpc.ClientUnaryCall;
  RevokeNode(argument: _tokengrid_node_v1_RevokeNodeRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tokengrid_node_v1_RevokeNodeResponse__Output>): grpc.ClientUnaryCall;
  RevokeNode(argument: _tokengrid_node_v1_RevokeNodeRequest, callback: grpc.requestCallback<_tokengrid_node_v1_RevokeNodeResponse__Output>): grpc.ClientUnaryCall;
  /**
   * RevokeNode refuses a node at once: its stream is closed, its jobs move
   * once its lease runs out, and every certificate issued for it before now
   * is refused from then on (a certificate issued later lets it back). For
   * the node's operator, or an admin.
   */
  revokeNode(argument: _tokengrid_node_v1_RevokeNodeRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tokengrid_node_v1_RevokeNodeResponse__Output>): grpc.ClientUnaryCall;
  revokeNode(argument: _tokengrid_node_v1_RevokeNodeRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tokengrid_node_v1_RevokeNodeResponse__Output>): grpc.ClientUnaryCall;
  revokeNode(argument: _tokengrid_node_v1_RevokeNodeRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tokengrid_node_v1_RevokeNodeResponse__Output>): grpc.ClientUnaryCall;
  revokeNode(argument: _tokengrid_node_v1_RevokeNodeRequest, callback: grpc.requestCallback<_tokengrid_node_v1_RevokeNodeResponse__Output>): grpc.ClientUnaryCall;
  
}

/**
 * NodeService is the node agents' door (Register, Connect) and the operators'
 * view of the fleet (ListNodes).
 */
export interface NodeServiceHandlers extends grpc.UntypedServiceImplementation {
  /**
   * Connect is the node's open line to the broker. The first message up must be
   * a hello; then heartbeats and job status go up, assignments and cancels come down.
   */
  Connect: grpc.handleBidiStreamingCall<_tokengrid_node_v1_ConnectRequest__Output, _tokengrid_node_v1_ConnectResponse>;
  
  /**
   * CreateEnrolment makes a one-time token for a node (its operator's, or an
   * admin's call); the node's agent exchanges it with Enrol.
   */
  CreateEnrolment: grpc.handleUnaryCall<_tokengrid_node_v1_CreateEnrolmentRequest__Output, _tokengrid_node_v1_CreateEnrolmentResponse>;
  
  /**
   * Enrol exchanges an enrolment token, once, for the node's certificate,
   * naming the node and operator the token was made for. Called over TLS
   * without a client certificate (the agent has none yet).
   */
  Enrol: grpc.handleUnaryCall<_tokengrid_node_v1_EnrolRequest__Output, _tokengrid_node_v1_EnrolResponse>;
  
  /**
   * ListNodes pages through the nodes the broker knows.
   */
  ListNodes: grpc.handleUnaryCall<_tokengrid_node_v1_ListNodesRequest__Output, _tokengrid_node_v1_ListNodesResponse>;
  
  /**
   * Register enrols the node (or refreshes its description) and opens a session.
   */
  Register: grpc.handleUnaryCall<_tokengrid_node_v1_RegisterRequest__Output, _tokengrid_node_v1_RegisterResponse>;
  
  /**
   * RevokeNode refuses a node at once: its stream is closed, its jobs move
   * once its lease runs out, and every certificate issued for it before now
   * is refused from then on (a certificate issued later lets it back). For
   * the node's operator, or an admin.
   */
  RevokeNode: grpc.handleUnaryCall<_tokengrid_node_v1_RevokeNodeRequest__Output, _tokengrid_node_v1_RevokeNodeResponse>;
  
}

export interface NodeServiceDefinition extends grpc.ServiceDefinition {
  Connect: MethodDefinition<_tokengrid_node_v1_ConnectRequest, _tokengrid_node_v1_ConnectResponse, _tokengrid_node_v1_ConnectRequest__Output, _tokengrid_node_v1_ConnectResponse__Output>
  CreateEnrolment: MethodDefinition<_tokengrid_node_v1_CreateEnrolmentRequest, _tokengrid_node_v1_CreateEnrolmentResponse, _tokengrid_node_v1_CreateEnrolmentRequest__Output, _tokengrid_node_v1_CreateEnrolmentResponse__Output>
  Enrol: MethodDefinition<_tokengrid_node_v1_EnrolRequest, _tokengrid_node_v1_EnrolResponse, _tokengrid_node_v1_EnrolRequest__Output, _tokengrid_node_v1_EnrolResponse__Output>
  ListNodes: MethodDefinition<_tokengrid_node_v1_ListNodesRequest, _tokengrid_node_v1_ListNodesResponse, _tokengrid_node_v1_ListNodesRequest__Output, _tokengrid_node_v1_ListNodesResponse__Output>
  Register: MethodDefinition<_tokengrid_node_v1_RegisterRequest, _tokengrid_node_v1_RegisterResponse, _tokengrid_node_v1_RegisterRequest__Output, _tokengrid_node_v1_RegisterResponse__Output>
  RevokeNode: MethodDefinition<_tokengrid_node_v1_RevokeNodeRequest, _tokengrid_node_v1_RevokeNodeResponse, _tokengrid_node_v1_RevokeNodeRequest__Output, _tokengrid_node_v1_RevokeNodeResponse__Output>
}
