#pragma once

// The APIs compiled into the gateway: their descriptors drive HTTP
// transcoding, resource extraction for the audit log and per-method
// metrics. A new service's API becomes known by linking its proto library
// and naming one of its messages in apis.cc.

#include <vector>

#include "google/protobuf/descriptor.h"

namespace qpp::gateway {

// Every service of the compiled-in API files.
std::vector<const google::protobuf::ServiceDescriptor*> KnownServices();

// The fully-qualified name of the gateway's own progress service.
inline constexpr char kProgressService[] = "qpp.gateway.v1.ProgressService";

}  // namespace qpp::gateway
