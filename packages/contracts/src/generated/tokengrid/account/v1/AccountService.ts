// Original file: tokengrid/account/v1/account.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { GetUsageRequest as _tokengrid_account_v1_GetUsageRequest, GetUsageRequest__Output as _tokengrid_account_v1_GetUsageRequest__Output } from '../../../tokengrid/account/v1/GetUsageRequest.js';
import type { GetUsageResponse as _tokengrid_account_v1_GetUsageResponse, GetUsageResponse__Output as _tokengrid_account_v1_GetUsageResponse__Output } from '../../../tokengrid/account/v1/GetUsageResponse.js';

/**
 * AccountService is the tenants' door to what they have used and owe. It is
 * served by settlement, the only writer of the settlement database.
 * The calling tenant is named by the `x-tenant-id` call metadata.
 */
export interface AccountServiceClient extends grpc.Client {
  /**
   * GetUsage sums the tenant's settled usage, optionally for one job.
   */
  GetUsage(argument: _tokengrid_account_v1_GetUsageRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tokengrid_account_v1_GetUsageResponse__Output>): grpc.ClientUnaryCall;
  GetUsage(argument: _tokengrid_account_v1_GetUsageRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tokengrid_account_v1_GetUsageResponse__Output>): grpc.ClientUnaryCall;
  GetUsage(argument: _tokengrid_account_v1_GetUsageRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tokengrid_account_v1_GetUsageResponse__Output>): grpc.ClientUnaryCall;
  GetUsage(argument: _tokengrid_account_v1_GetUsageRequest, callback: grpc.requestCallback<_tokengrid_account_v1_GetUsageResponse__Output>): grpc.ClientUnaryCall;
  /**
   * GetUsage sums the tenant's settled usage, optionally for one job.
   */
  getUsage(argument: _tokengrid_account_v1_GetUsageRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tokengrid_account_v1_GetUsageResponse__Output>): grpc.ClientUnaryCall;
  getUsage(argument: _tokengrid_account_v1_GetUsageRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tokengrid_account_v1_GetUsageResponse__Output>): grpc.ClientUnaryCall;
  getUsage(argument: _tokengrid_account_v1_GetUsageRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tokengrid_account_v1_GetUsageResponse__Output>): grpc.ClientUnaryCall;
  getUsage(argument: _tokengrid_account_v1_GetUsageRequest, callback: grpc.requestCallback<_tokengrid_account_v1_GetUsageResponse__Output>): grpc.ClientUnaryCall;
  
}

/**
 * AccountService is the tenants' door to what they have used and owe. It is
 * served by settlement, the only writer of the settlement database.
 * The calling tenant is named by the `x-tenant-id` call metadata.
 */
export interface AccountServiceHandlers extends grpc.UntypedServiceImplementation {
  /**
   * GetUsage sums the tenant's settled usage, optionally for one job.
   */
  GetUsage: grpc.handleUnaryCall<_tokengrid_account_v1_GetUsageRequest__Output, _tokengrid_account_v1_GetUsageResponse>;
  
}

export interface AccountServiceDefinition extends grpc.ServiceDefinition {
  GetUsage: MethodDefinition<_tokengrid_account_v1_GetUsageRequest, _tokengrid_account_v1_GetUsageResponse, _tokengrid_account_v1_GetUsageRequest__Output, _tokengrid_account_v1_GetUsageResponse__Output>
}
