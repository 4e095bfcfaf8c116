#include "services/gateway/src/apis.h"

// The build passes the list of services/gateway/CMakeLists.txt, so that the
// binary and its OpenAPI document name the same methods.
#ifndef QPP_GATEWAY_PUBLIC_METHODS
#define QPP_GATEWAY_PUBLIC_METHODS ""
#endif

#include "absl/strings/str_split.h"
#include "qpp/cultivation/v1/cultivation_service.pb.h"
#include "qpp/demobase/v1/demobase_service.pb.h"
#include "qpp/funding/v1/funding_service.pb.h"
#include "qpp/gateway/v1/progress_service.pb.h"
#include "qpp/registry/v1/registry_service.pb.h"
#include "qpp/training/v1/training_service.pb.h"

namespace qpp::gateway {

std::vector<const google::protobuf::ServiceDescriptor*> KnownServices() {
  // Naming a message links its file's descriptor into the binary.
  const google::protobuf::FileDescriptor* files[] = {
      registry::v1::GetOrganizationRequest::descriptor()->file(),
      v1::GetProgrammeProgressRequest::descriptor()->file(),
      training::v1::GetCourseRequest::descriptor()->file(),
      demobase::v1::GetDemonstrationBaseRequest::descriptor()->file(),
      cultivation::v1::GetCohortRequest::descriptor()->file(),
      funding::v1::CheckEligibilityRequest::descriptor()->file(),
  };
  std::vector<const google::protobuf::ServiceDescriptor*> out;
  for (const auto* file : files) {
    for (int i = 0; i < file->service_count(); ++i)
      out.push_back(file->service(i));
  }
  return out;
}

std::vector<std::string> PublicMethods() {
  return absl::StrSplit(QPP_GATEWAY_PUBLIC_METHODS, ',', absl::SkipEmpty());
}

}  // namespace qpp::gateway
