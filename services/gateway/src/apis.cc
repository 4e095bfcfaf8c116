#include "services/gateway/src/apis.h"

#include "qpp/demobase/v1/demobase_service.pb.h"
#include "qpp/gateway/v1/progress_service.pb.h"
#include "qpp/registry/v1/registry_service.pb.h"

namespace qpp::gateway {

std::vector<const google::protobuf::ServiceDescriptor*> KnownServices() {
  // Naming a message links its file's descriptor into the binary.
  const google::protobuf::FileDescriptor* files[] = {
      registry::v1::GetOrganizationRequest::descriptor()->file(),
      v1::GetProgrammeProgressRequest::descriptor()->file(),
      demobase::v1::GetDemonstrationBaseRequest::descriptor()->file(),
  };
  std::vector<const google::protobuf::ServiceDescriptor*> out;
  for (const auto* file : files) {
    for (int i = 0; i < file->service_count(); ++i)
      out.push_back(file->service(i));
  }
  return out;
}

}  // namespace qpp::gateway
