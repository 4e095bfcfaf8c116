#include "services/gateway/src/resource_names.h"

#include <algorithm>
#include <climits>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "google/api/annotations.pb.h"
#include "google/api/resource.pb.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/wire_format_lite.h"
#include "services/gateway/src/audit_log.h"

namespace qpp::gateway {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::internal::WireFormatLite;

constexpr char kParentPiece[] = "{parent}";

// The singular string field `name` of `type`, or null.
const FieldDescriptor* StringField(const Descriptor* type,
                                   const std::string& name) {
  const FieldDescriptor* f = type->FindFieldByName(name);
  if (f == nullptr || f->is_repeated() ||
      f->type() != FieldDescriptor::TYPE_STRING) {
    return nullptr;
  }
  return f;
}

// Calls visit(field number, bytes) for every length-delimited field of a
// serialized message, in wire order, without copying. Stops at the first
// damage.
template <typename Visit>
void ForEachLengthDelimited(absl::string_view message, Visit visit) {
  if (message.size() > static_cast<size_t>(INT_MAX)) return;
  google::protobuf::io::CodedInputStream in(
      reinterpret_cast<const uint8_t*>(message.data()),
      static_cast<int>(message.size()));
  while (true) {
    const uint32_t tag = in.ReadTag();
    if (tag == 0) return;
    if (WireFormatLite::GetTagWireType(tag) !=
        WireFormatLite::WIRETYPE_LENGTH_DELIMITED) {
      if (!WireFormatLite::SkipField(&in, tag)) return;
      continue;
    }
    uint32_t length = 0;
    if (!in.ReadVarint32(&length)) return;
    const size_t at = static_cast<size_t>(in.CurrentPosition());
    if (length > message.size() - at || !in.Skip(static_cast<int>(length))) {
      return;
    }
    visit(WireFormatLite::GetTagFieldNumber(tag), message.substr(at, length));
  }
}

// "v1", "v2beta1", …: the version segment of an API path.
bool IsVersion(absl::string_view segment) {
  return segment.size() >= 2 && segment[0] == 'v' &&
         absl::ascii_isdigit(segment[1]);
}

// The path of a google.api.http rule, "" for none.
std::string HttpPath(const google::protobuf::MethodDescriptor* method) {
  if (!method->options().HasExtension(google::api::http)) return "";
  const google::api::HttpRule& rule =
      method->options().GetExtension(google::api::http);
  switch (rule.pattern_case()) {
    case google::api::HttpRule::kGet:
      return rule.get();
    case google::api::HttpRule::kPut:
      return rule.put();
    case google::api::HttpRule::kPost:
      return rule.post();
    case google::api::HttpRule::kDelete:
      return rule.delete_();
    case google::api::HttpRule::kPatch:
      return rule.patch();
    case google::api::HttpRule::kCustom:
      return rule.custom().path();
    case google::api::HttpRule::PATTERN_NOT_SET:
      break;
  }
  return "";
}

// For a method without an http rule (a client stream): the collection
// template of resource type `type` from its google.api.resource pattern,
// "organizations/{organization}" → "/organizations",
// "organizations/{organization}/awards/{award}" → "/{parent}/awards";
// "" when it has none.
std::string PatternCollection(const Descriptor* type) {
  if (!type->options().HasExtension(google::api::resource)) return "";
  const google::api::ResourceDescriptor& resource =
      type->options().GetExtension(google::api::resource);
  if (resource.pattern_size() == 0) return "";
  absl::string_view pattern = resource.pattern(0);
  const size_t slash = pattern.rfind('/');
  if (slash == absl::string_view::npos) return "";
  absl::string_view collection = pattern.substr(0, slash);
  const size_t brace = collection.rfind('}');
  if (brace == absl::string_view::npos) return absl::StrCat("/", collection);
  return absl::StrCat("/{parent}", collection.substr(brace + 1));
}

}  // namespace

int CallResources::Add(std::string name) {
  if (name.empty()) return -1;
  ++count;
  auto it = std::find(names.begin(), names.end(), name);
  if (it != names.end()) return static_cast<int>(it - names.begin());
  if (names.size() >= kMaxAuditResources) return -1;
  names.push_back(std::move(name));
  return static_cast<int>(names.size()) - 1;
}

bool ParseCollectionTemplate(absl::string_view path_template,
                             std::vector<std::string>* pieces) {
  pieces->clear();
  if (path_template.empty() || path_template[0] != '/') return false;
  // Segments split at '/' outside variables; the verb (":verb") ends them.
  std::vector<std::string> segments(1);
  int depth = 0;
  for (char c : path_template.substr(1)) {
    if (c == '{') ++depth;
    if (c == '}') --depth;
    if (depth == 0 && c == ':') break;
    if (depth == 0 && c == '/') {
      segments.emplace_back();
    } else {
      segments.back().push_back(c);
    }
  }
  if (depth != 0) return false;
  const size_t first = segments.size() > 1 && IsVersion(segments[0]) ? 1 : 0;
  for (size_t i = first; i < segments.size(); ++i) {
    absl::string_view s = segments[i];
    if (s.empty()) return false;
    if (s.front() == '{') {
      if (s.back() != '}') return false;
      absl::string_view field = s.substr(1, s.size() - 2);
      if (field.substr(0, field.find('=')) != "parent") return false;
      pieces->push_back(kParentPiece);
    } else if (s.find_first_of("*{}") != absl::string_view::npos) {
      return false;
    } else {
      pieces->emplace_back(s);
    }
  }
  return !pieces->empty() && pieces->back() != kParentPiece;
}

ResourceRule ResourceRule::ForMethod(
    const google::protobuf::MethodDescriptor* method) {
  ResourceRule rule;
  const Descriptor* in = method->input_type();
  bool singular_resource = false;
  for (int i = 0; i < in->field_count(); ++i) {
    const FieldDescriptor* f = in->field(i);
    if (f->type() == FieldDescriptor::TYPE_STRING && !f->is_repeated()) {
      if (f->name() == "name") rule.name_ = f->number();
      if (f->name() == "parent") rule.parent_ = f->number();
      continue;
    }
    if (f->type() != FieldDescriptor::TYPE_MESSAGE) continue;
    const Descriptor* type = f->message_type();
    const FieldDescriptor* name = StringField(type, "name");
    if (name == nullptr) continue;
    ResourceField r;
    r.number = f->number();
    r.repeated = f->is_repeated();
    r.name = name->number();
    for (const char* key_name : kNaturalKeyFields) {
      if (const FieldDescriptor* key = StringField(type, key_name)) {
        r.key = key->number();
        break;
      }
    }
    if (!r.repeated) {
      singular_resource = true;
      if (const FieldDescriptor* id = StringField(in, f->name() + "_id")) {
        r.request_id = id->number();
      }
    }
    rule.resources_.push_back(r);
  }
  if (!rule.resources_.empty()) {
    std::string path = HttpPath(method);
    if (path.empty()) {
      const FieldDescriptor* f =
          in->FindFieldByNumber(rule.resources_[0].number);
      path = PatternCollection(f->message_type());
    }
    if (!ParseCollectionTemplate(path, &rule.collection_)) {
      rule.collection_.clear();
    }
  }
  rule.collection_has_parent_ =
      std::find(rule.collection_.begin(), rule.collection_.end(),
                kParentPiece) != rule.collection_.end();
  if (singular_resource) {
    if (const FieldDescriptor* name =
            StringField(method->output_type(), "name")) {
      rule.response_name_ = name->number();
    }
  }
  return rule;
}

std::string ResourceRule::Collection(absl::string_view parent) const {
  std::string out;
  for (const std::string& piece : collection_) {
    if (!out.empty()) out.push_back('/');
    if (piece == kParentPiece) {
      if (parent.empty()) return "";
      absl::StrAppend(&out, parent);
    } else {
      absl::StrAppend(&out, piece);
    }
  }
  return out;
}

void ResourceRule::AddRequest(absl::string_view request,
                              CallResources* out) const {
  if (name_ == 0 && parent_ == 0 && resources_.empty()) return;
  absl::string_view name, parent;
  // Each resource met on the wire, and the `<field>_id` of each field.
  std::vector<std::pair<const ResourceField*, absl::string_view>> met;
  std::vector<absl::string_view> ids(resources_.size());
  ForEachLengthDelimited(request, [&](int number, absl::string_view bytes) {
    if (number == name_) name = bytes;
    if (number == parent_) parent = bytes;
    for (size_t i = 0; i < resources_.size(); ++i) {
      if (number == resources_[i].number)
        met.emplace_back(&resources_[i], bytes);
      if (number == resources_[i].request_id) ids[i] = bytes;
    }
  });

  out->Add(std::string(name));  // rule 1
  bool parent_named = false;
  for (const auto& [met_field, bytes] : met) {
    const auto* field = met_field;  // the lambda captures it (clang < 16)
    absl::string_view own_name, key;
    ForEachLengthDelimited(bytes, [&](int number, absl::string_view value) {
      if (number == field->name) own_name = value;
      if (number == field->key) key = value;
    });
    if (!own_name.empty() && collection_.empty()) {  // rule 2
      out->Add(std::string(own_name));
      continue;
    }
    // Rule 3: a resource being created.
    if (!field->repeated) {
      absl::string_view id = ids[field - resources_.data()];
      if (!id.empty()) key = id;
    }
    std::string derived = Collection(parent);
    if (!derived.empty()) {
      parent_named |= collection_has_parent_;
      if (!key.empty()) absl::StrAppend(&derived, "/", key);
    }
    const int index = out->Add(std::move(derived));
    if (!field->repeated && out->created < 0) out->created = index;
  }
  if (!parent_named) out->Add(std::string(parent));  // rule 4
}

void ResourceRule::AddResponse(absl::string_view response,
                               CallResources* out) const {
  if (response_name_ == 0) return;
  absl::string_view name;
  ForEachLengthDelimited(response, [&](int number, absl::string_view bytes) {
    if (number == response_name_) name = bytes;
  });
  if (name.empty()) return;
  // Rule 5: the server's name for what the call created.
  if (out->created >= 0) {
    out->names[out->created] = std::string(name);
    return;
  }
  if (std::find(out->names.begin(), out->names.end(), name) !=
      out->names.end()) {
    return;
  }
  out->names.insert(out->names.begin(), std::string(name));
  ++out->count;
  if (out->names.size() > kMaxAuditResources) out->names.pop_back();
  out->created = 0;
}

}  // namespace qpp::gateway
