// Original file: tokengrid/account/v1/account.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { AuthorizeRequest as _tokengrid_account_v1_AuthorizeRequest, AuthorizeRequest__Output as _tokengrid_account_v1_AuthorizeRequest__Output } from '../../../tokengrid/account/v1/AuthorizeRequest.js';
import type { AuthorizeResponse as _tokengrid_account_v1_AuthorizeResponse, AuthorizeResponse__Output as _tokengrid_account_v1_AuthorizeResponse__Output } from '../../../tokengrid/account/v1/AuthorizeResponse.js';
import type { GetBalanceRequest as _tokengrid_account_v1_GetBalanceRequest, GetBalanceRequest__Output as _tokengrid_account_v1_GetBalanceRequest__Output } from '../../../tokengrid/account/v1/GetBalanceRequest.js';
import type { GetBalanceResponse as _tokengrid_account_v1_GetBalanceResponse, GetBalanceResponse__Output as _tokengrid_account_v1_GetBalanceResponse__Output } from '../../../tokengrid/account/v1/GetBalanceResponse.js';
import type { GetStatementRequest as _tokengrid_account_v1_GetStatementRequest, GetStatementRequest__Output as _tokengrid_account_v1_GetStatementRequest__Output } from '../../../tokengrid/account/v1/GetStatementRequest.js';
import type { GetStatementResponse as _tokengrid_account_v1_GetStatementResponse, GetStatementResponse__Output as _tokengrid_account_v1_GetStatementResponse__Output } from '../../../tokengrid/account/v1/GetStatementResponse.js';
import type { GetUsageRequest as _tokengrid_account_v1_GetUsageRequest, GetUsageRequest__Output as _tokengrid_account_v1_GetUsageRequest__Output } from '../../../tokengrid/account/v1/GetUsageRequest.js';
import type { GetUsageResponse as _tokengrid_account_v1_GetUsageResponse, GetUsageResponse__Output as _tokengrid_account_v1_GetUsageResponse__Output } from '../../../tokengrid/account/v1/GetUsageResponse.js';
import type { ListPackagesRequest as _tokengrid_account_v1_ListPackagesRequest, ListPackagesRequest__Output as _tokengrid_account_v1_ListPackagesRequest__Output } from '../../../tokengrid/account/v1/ListPackagesRequest.js';
import type { ListPackagesResponse as _tokengrid_account_v1_ListPackagesResponse, ListPackagesResponse__Output as _tokengrid_account_v1_ListPackagesResponse__Output } from '../../../tokengrid/account/v1/ListPackagesResponse.js';
import type { PurchasePackageRequest as _tokengrid_account_v1_PurchasePackageRequest, PurchasePackageRequest__Output as _tokengrid_account_v1_PurchasePackageRequest__Output } from '../../../tokengrid/account/v1/PurchasePackageRequest.js';
import type { PurchasePackageResponse as _tokengrid_account_v1_PurchasePackageResponse, PurchasePackageResponse__Output as _tokengrid_account_v1_PurchasePackageResponse__Output } from '../../../tokengrid/account/v1/PurchasePackageResponse.js';

/**
 * AccountService is the tenants' door to what they have used and owe. It is
 * served by settlement, the only writer of the settlement database.
 * The calling tenant is named by the `x-tenant-id` call metadata.
 */
export interface AccountServiceClient extends grpc.Client {
  /**
   * Authorize holds a job's estimated tokens before the broker accepts it.
   * Idempotent on job_id. Not enough balance is RESOURCE_EXHAUSTED with the
   * shortfall in the message. Usage captures against the hold; the rest is
   * released when the job ends; a hold expires if its job never reports.
   */
  Authorize(argument: _tokengrid_account_v1_AuthorizeRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tokengrid_account_v1_AuthorizeResponse__Output>): grpc.ClientUnaryCall;
  Authorize(argument: _tokengrid_account_v1_AuthorizeRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tokengrid_account_v1_AuthorizeResponse__Output>): grpc.ClientUnaryCall;
  Authorize(argument: _tokengrid_account_v1_AuthorizeRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tokengrid_account_v1_AuthorizeResponse__Output>): grpc.ClientUnaryCall;
  Authorize(argument: _tokengrid_account_v1_AuthorizeRequest, callback: grpc.requestCallback<_tokengrid_account_v1_AuthorizeResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Authorize holds a job's estimated tokens before the broker accepts it.
   * Idempotent on job_id. Not enough balance is RESOURCE_EXHAUSTED with the
   * shortfall in the message. Usage captures against the hold; the rest is
   * released when the job ends; a hold expires if its job never reports.
   */
  authorize(argument: _tokengrid_account_v1_AuthorizeRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tokengrid_account_v1_AuthorizeResponse__Output>): grpc.ClientUnaryCall;
  authorize(argument: _tokengrid_account_v1_AuthorizeRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tokengrid_account_v1_AuthorizeResponse__Output>): grpc.ClientUnaryCall;
  authorize(argument: _tokengrid_account_v1_AuthorizeRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tokengrid_account_v1_AuthorizeResponse__Output>): grpc.ClientUnaryCall;
  authorize(argument: _tokengrid_account_v1_AuthorizeRequest, callback: grpc.requestCallback<_tokengrid_account_v1_AuthorizeResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * GetBalance is what the tenant can use, what is held for running jobs, and
   * each lot, first to expire first.
   */
  GetBalance(argument: _tokengrid_account_v1_GetBalanceRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tokengrid_account_v1_GetBalanceResponse__Output>): grpc.ClientUnaryCall;
  GetBalance(argument: _tokengrid_account_v1_GetBalanceRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tokengrid_account_v1_GetBalanceResponse__Output>): grpc.ClientUnaryCall;
  GetBalance(argument: _tokengrid_account_v1_GetBalanceRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tokengrid_account_v1_GetBalanceResponse__Output>): grpc.ClientUnaryCall;
  GetBalance(argument: _tokengrid_account_v1_GetBalanceRequest, callback: grpc.requestCallback<_tokengrid_account_v1_GetBalanceResponse__Output>): grpc.ClientUnaryCall;
  /**
   * GetBalance is what the tenant can use, what is held for running jobs, and
   * each lot, first to expire first.
   */
  getBalance(argument: _tokengrid_account_v1_GetBalanceRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tokengrid_account_v1_GetBalanceResponse__Output>): grpc.ClientUnaryCall;
  getBalance(argument: _tokengrid_account_v1_GetBalanceRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tokengrid_account_v1_GetBalanceResponse__Output>): grpc.ClientUnaryCall;
  getBalance(argument: _tokengrid_account_v1_GetBalanceRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tokengrid_account_v1_GetBalanceResponse__Output>): grpc.ClientUnaryCall;
  getBalance(argument: _tokengrid_account_v1_GetBalanceRequest, callback: grpc.requestCallback<_tokengrid_account_v1_GetBalanceResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * GetStatement sums the caller's ledger movements per day or month (China
   * Standard Time): a tenant's tokens bought, used and lapsed and money paid,
   * or, with `x-operator-id` call metadata instead, an operator's earnings.
   */
  GetStatement(argument: _tokengrid_account_v1_GetStatementRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tokengrid_account_v1_GetStatementResponse__Output>): grpc.ClientUnaryCall;
  GetStatement(argument: _tokengrid_account_v1_GetStatementRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tokengrid_account_v1_GetStatementResponse__Output>): grpc.ClientUnaryCall;
  GetStatement(argument: _tokengrid_account_v1_GetStatementRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tokengrid_account_v1_GetStatementResponse__Output>): grpc.ClientUnaryCall;
  GetStatement(argument: _tokengrid_account_v1_GetStatementRequest, callback: grpc.requestCallback<_tokengrid_account_v1_GetStatementResponse__Output>): grpc.ClientUnaryCall;
  /**
   * GetStatement sums the caller's ledger movements per day or month (China
   * Standard Time): a tenant's tokens bought, used and lapsed and money paid,
   * or, with `x-operator-id` call metadata instead, an operator's earnings.
   */
  getStatement(argument: _tokengrid_account_v1_GetStatementRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tokengrid_account_v1_GetStatementResponse__Output>): grpc.ClientUnaryCall;
  getStatement(argument: _tokengrid_account_v1_GetStatementRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tokengrid_account_v1_GetStatementResponse__Output>): grpc.ClientUnaryCall;
  getStatement(argument: _tokengrid_account_v1_GetStatementRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tokengrid_account_v1_GetStatementResponse__Output>): grpc.ClientUnaryCall;
  getStatement(argument: _tokengrid_account_v1_GetStatementRequest, callback: grpc.requestCallback<_tokengrid_account_v1_GetStatementResponse__Output>): grpc.ClientUnaryCall;
  
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
  
  /**
   * ListPackages lists the token packages on sale.
   */
  ListPackages(argument: _tokengrid_account_v1_ListPackagesRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tokengrid_account_v1_ListPackagesResponse__Output>): grpc.ClientUnaryCall;
  ListPackages(argument: _tokengrid_account_v1_ListPackagesRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tokengrid_account_v1_ListPackagesResponse__Output>): grpc.ClientUnaryCall;
  ListPackages(argument: _tokengrid_account_v1_ListPackagesRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tokengrid_account_v1_ListPackagesResponse__Output>): grpc.ClientUnaryCall;
  ListPackages(argument: _tokengrid_account_v1_ListPackagesRequest, callback: grpc.requestCallback<_tokengrid_account_v1_ListPackagesResponse__Output>): grpc.ClientUnaryCall;
  /**
   * ListPackages lists the token packages on sale.
   */
  listPackages(argument: _tokengrid_account_v1_ListPackagesRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tokengrid_account_v1_ListPackagesResponse__Output>): grpc.ClientUnaryCall;
  listPackages(argument: _tokengrid_account_v1_ListPackagesRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tokengrid_account_v1_ListPackagesResponse__Output>): grpc.ClientUnaryCall;
  listPackages(argument: _tokengrid_account_v1_ListPackagesRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tokengrid_account_v1_ListPackagesResponse__Output>): grpc.ClientUnaryCall;
  listPackages(argument: _tokengrid_account_v1_ListPackagesRequest, callback: grpc.requestCallback<_tokengrid_account_v1_ListPackagesResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * PurchasePackage buys a package: a new lot of tokens with an expiry.
   * Idempotent on request_id.
   */
  PurchasePackage(argument: _tokengrid_account_v1_PurchasePackageRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tokengrid_account_v1_PurchasePackageResponse__Output>): grpc.ClientUnaryCall;
  PurchasePackage(argument: _tokengrid_account_v1_PurchasePackageRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tokengrid_account_v1_PurchasePackageResponse__Output>): grpc.ClientUnaryCall;
  PurchasePackage(argument: _tokengrid_account_v1_PurchasePackageRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tokengrid_account_v1_PurchasePackageResponse__Output>): grpc.ClientUnaryCall;
  PurchasePackage(argument: _tokengrid_account_v1_PurchasePackageRequest, callback: grpc.requestCallback<_tokengrid_account_v1_PurchasePackageResponse__Output>): grpc.ClientUnaryCall;
  /**
   * PurchasePackage buys a package: a new lot of tokens with an expiry.
   * Idempotent on request_id.
   */
  purchasePackage(argument: _tokengrid_account_v1_PurchasePackageRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tokengrid_account_v1_PurchasePackageResponse__Output>): grpc.ClientUnaryCall;
  purchasePackage(argument: _tokengrid_account_v1_PurchasePackageRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tokengrid_account_v1_PurchasePackageResponse__Output>): grpc.ClientUnaryCall;
  purchasePackage(argument: _tokengrid_account_v1_PurchasePackageRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tokengrid_account_v1_PurchasePackageResponse__Output>): grpc.ClientUnaryCall;
  purchasePackage(argument: _tokengrid_account_v1_PurchasePackageRequest, callback: grpc.requestCallback<_tokengrid_account_v1_PurchasePackageResponse__Output>): grpc.ClientUnaryCall;
  
}

/**
 * AccountService is the tenants' door to what they have used and owe. It is
 * served by settlement, the only writer of the settlement database.
 * The calling tenant is named by the `x-tenant-id` call metadata.
 */
export interface AccountServiceHandlers extends grpc.UntypedServiceImplementation {
  /**
   * Authorize holds a job's estimated tokens before the broker accepts it.
   * Idempotent on job_id. Not enough balance is RESOURCE_EXHAUSTED with the
   * shortfall in the message. Usage captures against the hold; the rest is
   * released when the job ends; a hold expires if its job never reports.
   */
  Authorize: grpc.handleUnaryCall<_tokengrid_account_v1_AuthorizeRequest__Output, _tokengrid_account_v1_AuthorizeResponse>;
  
  /**
   * GetBalance is what the tenant can use, what is held for running jobs, and
   * each lot, first to expire first.
   */
  GetBalance: grpc.handleUnaryCall<_tokengrid_account_v1_GetBalanceRequest__Output, _tokengrid_account_v1_GetBalanceResponse>;
  
  /**
   * GetStatement sums the caller's ledger movements per day or month (China
   * Standard Time): a tenant's tokens bought, used and lapsed and money paid,
   * or, with `x-operator-id` call metadata instead, an operator's earnings.
   */
  GetStatement: grpc.handleUnaryCall<_tokengrid_account_v1_GetStatementRequest__Output, _tokengrid_account_v1_GetStatementResponse>;
  
  /**
   * GetUsage sums the tenant's settled usage, optionally for one job.
   */
  GetUsage: grpc.handleUnaryCall<_tokengrid_account_v1_GetUsageRequest__Output, _tokengrid_account_v1_GetUsageResponse>;
  
  /**
   * ListPackages lists the token packages on sale.
   */
  ListPackages: grpc.handleUnaryCall<_tokengrid_account_v1_ListPackagesRequest__Output, _tokengrid_account_v1_ListPackagesResponse>;
  
  /**
   * PurchasePackage buys a package: a new lot of tokens with an expiry.
   * Idempotent on request_id.
   */
  PurchasePackage: grpc.handleUnaryCall<_tokengrid_account_v1_PurchasePackageRequest__Output, _tokengrid_account_v1_PurchasePackageResponse>;
  
}

export interface AccountServiceDefinition extends grpc.ServiceDefinition {
  Authorize: MethodDefinition<_tokengrid_account_v1_AuthorizeRequest, _tokengrid_account_v1_AuthorizeResponse, _tokengrid_account_v1_AuthorizeRequest__Output, _tokengrid_account_v1_AuthorizeResponse__Output>
  GetBalance: MethodDefinition<_tokengrid_account_v1_GetBalanceRequest, _tokengrid_account_v1_GetBalanceResponse, _tokengrid_account_v1_GetBalanceRequest__Output, _tokengrid_account_v1_GetBalanceResponse__Output>
  GetStatement: MethodDefinition<_tokengrid_account_v1_GetStatementRequest, _tokengrid_account_v1_GetStatementResponse, _tokengrid_account_v1_GetStatementRequest__Output, _tokengrid_account_v1_GetStatementResponse__Output>
  GetUsage: MethodDefinition<_tokengrid_account_v1_GetUsageRequest, _tokengrid_account_v1_GetUsageResponse, _tokengrid_account_v1_GetUsageRequest__Output, _tokengrid_account_v1_GetUsageResponse__Output>
  ListPackages: MethodDefinition<_tokengrid_account_v1_ListPackagesRequest, _tokengrid_account_v1_ListPackagesResponse, _tokengrid_account_v1_ListPackagesRequest__Output, _tokengrid_account_v1_ListPackagesResponse__Output>
  PurchasePackage: MethodDefinition<_tokengrid_account_v1_PurchasePackageRequest, _tokengrid_account_v1_PurchasePackageResponse, _tokengrid_account_v1_PurchasePackageRequest__Output, _tokengrid_account_v1_PurchasePackageResponse__Output>
}
