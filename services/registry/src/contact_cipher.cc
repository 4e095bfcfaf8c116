#include "services/registry/src/contact_cipher.h"

#include "common/status/status.h"

namespace qpp::registry {

absl::StatusOr<std::string> ContactCipher::Seal(
    const v1::Organization& org) const {
  if (org.contacts().empty()) return std::string();
  v1::Organization holder;
  *holder.mutable_contacts() = org.contacts();
  return cipher_.Encrypt(holder.SerializeAsString(), org.uscc());
}

absl::Status ContactCipher::Open(const std::string& blob,
                                 v1::Organization& org) const {
  org.clear_contacts();
  if (blob.empty()) return absl::OkStatus();
  QPP_ASSIGN_OR_RETURN(std::string plain, cipher_.Decrypt(blob, org.uscc()));
  v1::Organization holder;
  if (!holder.ParseFromString(plain)) {
    return absl::DataLossError("stored contacts are unreadable");
  }
  *org.mutable_contacts() = std::move(*holder.mutable_contacts());
  return absl::OkStatus();
}

absl::StatusOr<std::string> ContactCipher::Reseal(
    const std::string& blob, const std::string& uscc) const {
  QPP_ASSIGN_OR_RETURN(std::string plain, cipher_.Decrypt(blob, uscc));
  return cipher_.Encrypt(plain, uscc);
}

}  // namespace qpp::registry
