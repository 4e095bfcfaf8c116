#pragma once

// The resources a call touches, named for the audit line. The names come
// from the method's descriptors alone, so that a service added later is
// audited without code here. The rules, in this one place:
//
//  1. A top-level string `name` names the resource itself (Get, Delete,
//     Undelete, custom methods such as SetAdoptionStatus).
//  2. A resource in the request, i.e. a message field whose type has a
//     string `name` (AIP-122), names itself when its `name` is set (Update)
//     and the method does not post to a collection (below).
//  3. A resource sent without `name`, or to a method whose http path is a
//     collection, is being created (Create*; repeated: BatchCreate* and
//     import streams). A name the client put in it is output only and
//     ignored (AIP-133), as the service ignores it. Its name is derived as
//     `<collection>/<key>`:
//       - collection: the path of the method's google.api.http rule after
//         the version and before any ":verb", with a `{parent}` variable
//         replaced by the request's parent:
//           post "/v1/{parent=organizations/*}/awards" →
//           "organizations/X/awards" post "/v1/organizations:batchCreate" →
//           "organizations";
//         for a method without an http rule (client streams), the
//         resource type's google.api.resource pattern without its last
//         segment ("organizations/{organization}" → "organizations");
//         none when the path has other variables or wildcards, or neither
//         exists;
//       - key: the request's string `<field>_id` for a resource in field
//         `<field>` (AIP-133's client-chosen id, e.g. `book_id` beside
//         `book`; singular resources only), else the resource's natural key
//         field, one of kNaturalKeyFields (`uscc`: organisations are named
//         by their unified social credit code).
//     Without a key the collection itself is named (it holds the parent);
//     without a collection, the parent.
//  4. A top-level string `parent` names the parent (List, and creates whose
//     collection did not already name it).
//  5. When a call that creates one resource (rule 3, singular) succeeds and
//     its response has a string `name` (AIP-133 returns the resource), that
//     name replaces the derived one: it is the name the server gave, e.g.
//     "organizations/X/assessments/17".
// Client-streamed requests apply the rules to every message. Only names and
// keys are read, never other fields, so no body reaches the log. A new
// service gets complete audit lines by following AIP-122/133 (or naming its
// natural key in kNaturalKeyFields).

#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "google/protobuf/descriptor.h"

namespace qpp::gateway {

// Fields of a resource message that are its key, in order of preference,
// when the request carries no `<field>_id` (rule 3).
inline constexpr const char* kNaturalKeyFields[] = {"uscc"};

// The resources of one call, in the order the rules name them.
struct CallResources {
  // Distinct names, the first kMaxAuditResources kept.
  std::vector<std::string> names;
  // All names named, repetitions and those not kept included (e.g. the
  // rows of a batch).
  int64_t count = 0;
  // Index in `names` of the name derived for the one resource being
  // created (rule 5 replaces it), or -1.
  int created = -1;

  // Adds a non-empty name; returns its index in `names`, or -1 if it was
  // not kept (empty, or beyond the limit).
  int Add(std::string name);
};

// The naming rules compiled for one method. Immutable and thread-safe.
class ResourceRule final {
 public:
  ResourceRule() = default;

  // The rule of `method`, from its request and response types and its
  // google.api.http option.
  static ResourceRule ForMethod(
      const google::protobuf::MethodDescriptor* method);

  // Adds the names in one serialized request message (rules 1-4). Bytes that
  // do not parse add what was read before the damage; never fails.
  void AddRequest(absl::string_view request, CallResources* out) const;

  // Applies rule 5 to the serialized response of a successful call.
  void AddResponse(absl::string_view response, CallResources* out) const;

  // Whether AddResponse may change anything: the method creates one
  // resource and its response has a `name`.
  bool reads_response() const { return response_name_ != 0; }

 private:
  // A resource field of the request (rules 2 and 3).
  struct ResourceField {
    int number = 0;
    bool repeated = false;
    int name = 0;        // field number of the resource's `name`
    int key = 0;         // its natural key field, 0 if none
    int request_id = 0;  // the request's `<field>_id`, 0 if none
  };
  // The collection with the parent filled in; "" if there is none.
  std::string Collection(absl::string_view parent) const;

  int name_ = 0;    // top-level `name`
  int parent_ = 0;  // top-level `parent`
  std::vector<ResourceField> resources_;
  // Pieces of ParseCollectionTemplate; empty: no collection.
  std::vector<std::string> collection_;
  bool collection_has_parent_ = false;
  int response_name_ = 0;  // `name` of the response of a singular create
};

// The collection of a google.api.http path template as rule 3 reads it:
// the segments after the version and before the verb, each a literal or
// "{parent}" (for a `{parent}` or `{parent=…}` variable), the last a
// literal. "/v1/{parent=organizations/*}/awards" gives {"{parent}",
// "awards"}. False, with `pieces` unspecified, if the template has no such
// form.
bool ParseCollectionTemplate(absl::string_view path_template,
                             std::vector<std::string>* pieces);

}  // namespace qpp::gateway
