#pragma once

// The bridge from an incoming gRPC call to qpp::RequestContext, for the gRPC
// surface of a service (its *_service.cc); domain code never includes this.

#include "common/context/request_context.h"
#include "grpcpp/server_context.h"

namespace qpp {

// The context of an incoming call:
//  - deadline: the call's deadline, absl::InfiniteFuture() when it has none;
//  - request id: the x-request-id metadata if it is valid (see
//    IsValidRequestId), else empty; the gateway sets one on every call;
//  - principal: the name in x-qpp-principal, empty when it is absent or
//    sent more than once. Role and district code stay empty: the service
//    derives them from the name.
// The principal is trusted as sent, which is right only while nothing but
// the gateway can reach a service. When services accept calls only from
// the gateway's mTLS identity, this is the one function that must check
// the peer before believing the header.
RequestContext RequestContextFromServer(const grpc::ServerContextBase& call);

}  // namespace qpp
