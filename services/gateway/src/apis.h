#pragma once

// The APIs compiled into the gateway: their descriptors drive HTTP
// transcoding, resource extraction for the audit log and per-method
// metrics. A new service's API becomes known by linking its proto library
// and naming one of its messages in apis.cc.

#include <string>
#include <vector>

#include "google/protobuf/descriptor.h"

namespace qpp::gateway {

// Every service of the compiled-in API files.
std::vector<const google::protobuf::ServiceDescriptor*> KnownServices();

// The methods answered without credentials, "/<package>.<Service>/<Method>"
// (QPP_GATEWAY_PUBLIC_METHODS of the gateway's CMakeLists.txt). A call of
// one of them without an API key or client certificate runs as principal
// kAnonymousPrincipal; any other call without credentials is refused.
std::vector<std::string> PublicMethods();

// The principal of a call without credentials to a public method; the
// policy gives it its role(s) (the shipped policy: "public").
inline constexpr char kAnonymousPrincipal[] = "anonymous";

// The fully-qualified name of the gateway's own progress service.
inline constexpr char kProgressService[] = "qpp.gateway.v1.ProgressService";

}  // namespace qpp::gateway
