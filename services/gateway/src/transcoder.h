#pragma once

// HTTP/JSON <-> gRPC transcoding driven by the google.api.http annotations
// of the compiled-in services (the conventions of Envoy's transcoder and
// grpc-gateway):
//  - the path template's variables set request fields (nested field paths
//    such as `organization.name` included);
//  - `body: "*"` maps the whole JSON body onto the request, `body: "<field>"`
//    onto that message field, no body means query parameters only;
//  - query parameters set the remaining fields by proto or JSON name,
//    nested with dots; enums by name or number; repeated fields by
//    repetition; google.protobuf.FieldMask as a comma-separated list;
//  - responses use protobuf's JSON mapping (lowerCamelCase names) and print
//    fields with zero values.

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/descriptor.h"
#include "grpcpp/support/byte_buffer.h"
#include "grpcpp/support/status.h"
#include "services/gateway/src/path_template.h"

namespace qpp::gateway {

// One HTTP binding of a method.
struct HttpRoute {
  std::string http_method;  // "GET", "POST", "PATCH", "DELETE", "PUT"
  PathTemplate path;
  const google::protobuf::MethodDescriptor* method = nullptr;
  std::string full_method;  // "/pkg.Service/Method"
  std::string body;         // "", "*" or a field name
  const google::protobuf::FieldDescriptor* body_field = nullptr;
  bool client_streaming = false;
  bool server_streaming = false;
};

// A route that matched a request, with its path variables.
struct RouteMatch {
  const HttpRoute* route = nullptr;
  std::vector<PathBinding> bindings;
};

// The route table. Immutable and thread-safe once built.
class Transcoder final {
 public:
  // Adds the bindings (and additional_bindings) of every method of
  // `service` that has a google.api.http option. INVALID_ARGUMENT for a
  // malformed template, a variable or body naming no field, or a body field
  // that is not a message.
  absl::Status AddService(const google::protobuf::ServiceDescriptor* service);

  // Finds the route of a request. NOT_FOUND if no template matches the path;
  // UNIMPLEMENTED (HTTP 405) if templates match it for other HTTP methods
  // only. More specific templates (more literal segments) win.
  absl::StatusOr<RouteMatch> Match(absl::string_view http_method,
                                   absl::string_view path) const;

  // Serializes the request message of `match` built from the query string
  // (without '?'), the JSON body and the path variables, in that order of
  // precedence (path variables win). INVALID_ARGUMENT for malformed JSON,
  // unknown fields, wrong types, unknown query parameters or bad values.
  absl::Status BuildRequest(const RouteMatch& match, absl::string_view query,
                            absl::string_view body, std::string* out) const;

  // The JSON of a serialized response of `route`'s method. INTERNAL if the
  // bytes do not parse.
  absl::Status ResponseToJson(const HttpRoute& route,
                              const grpc::ByteBuffer& response,
                              std::string* json) const;

  const std::vector<std::unique_ptr<HttpRoute>>& routes() const {
    return routes_;
  }

 private:
  std::vector<std::unique_ptr<HttpRoute>> routes_;
};

// Sets the field at dotted `path` (proto or lowerCamel JSON names) of
// `message` from text: numbers, bools ("true"/"false"), enums by name or
// number, strings, bytes (base64), FieldMask (comma list), appended for
// repeated fields. INVALID_ARGUMENT naming the field otherwise.
absl::Status SetFieldFromText(google::protobuf::Message* message,
                              absl::string_view path, absl::string_view value);

// The google.rpc.Status JSON body of a status: {"code","message","details"}.
// Details carried by the status (ErrorInfo, BadRequest, RetryInfo …) are
// included when their types are known.
std::string StatusToJson(const grpc::Status& status);

}  // namespace qpp::gateway
