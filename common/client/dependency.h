#pragma once

// A dependency a service calls while serving a request (the registry when
// an organisation is checked, training when a certificate is): how long
// such a call may take, and what its failure means to the caller's own
// client. Shared by the services' clients of their dependencies (e.g.
// services/cultivation/src/registry_client.cc), which pass every failed
// ServiceClient::Call through DependencyError.

#include <string>

#include "absl/status/status.h"
#include "common/client/service_client.h"

namespace qpp::client {

// How the caller speaks of one dependency.
struct Dependency {
  // The callee's name in ServiceClient messages and metrics, e.g.
  // "registry"; upper-cased, it prefixes the reason of an unavailable
  // dependency ("REGISTRY_UNAVAILABLE").
  std::string display_name;
  // The dependency as the subject of a sentence: "the registry".
  std::string subject;
  // What cannot be done without it: "the organisation cannot be checked".
  std::string consequence;
  // Whether the callee's NOT_FOUND is passed on as it is (the caller asked
  // for a resource that may not exist) or is INTERNAL like other failures.
  bool pass_not_found = true;
};

// The registry as the services that check organisations call it.
Dependency RegistryDependency();

// Options of a client of `dependency`: named by its display name, a 2 s
// deadline when the caller has none, and never more than 3 s whatever the
// caller allows, so that a slow dependency fails the request well within
// the caller's own deadline and never holds an executor thread long.
ClientOptions DependencyClientOptions(const Dependency& dependency);

// The failure `called` of a call to `dependency`, in the caller's terms (OK
// stays OK):
//  - NOT_FOUND as it is, when `pass_not_found`;
//  - UNAVAILABLE, DEADLINE_EXCEEDED or RESOURCE_EXHAUSTED (the dependency
//    cannot answer now) as UNAVAILABLE with reason
//    "<DISPLAY_NAME>_UNAVAILABLE" and the message "<subject> is
//    unavailable, so <consequence>; nothing was written; try again later";
//  - anything else as INTERNAL, reason INTERNAL, "<subject> failed:
//    <message>": the callee's validation errors are about a request the
//    caller built, not about its client's input.
absl::Status DependencyError(const Dependency& dependency,
                             const absl::Status& called);

}  // namespace qpp::client
