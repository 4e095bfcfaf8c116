#include "services/gateway/src/transcoder.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "google/api/annotations.pb.h"
#include "google/api/http.pb.h"
#include "google/protobuf/dynamic_message.h"
#include "google/protobuf/field_mask.pb.h"
#include "google/protobuf/timestamp.pb.h"
#include "google/protobuf/util/field_mask_util.h"
#include "google/protobuf/util/json_util.h"
#include "google/protobuf/util/time_util.h"
#include "google/rpc/status.pb.h"

namespace qpp::gateway {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

const FieldDescriptor* FindField(const Descriptor* d, absl::string_view name) {
  const std::string n(name);
  const FieldDescriptor* f = d->FindFieldByName(n);
  if (f == nullptr) f = d->FindFieldByCamelcaseName(n);
  if (f == nullptr) {
    for (int i = 0; i < d->field_count(); ++i) {
      if (d->field(i)->json_name() == n) return d->field(i);
    }
  }
  return f;
}

// Checks that a dotted path names a chain of singular message fields ending
// in any field.
absl::Status CheckFieldPath(const Descriptor* d, absl::string_view path) {
  std::vector<absl::string_view> parts = absl::StrSplit(path, '.');
  for (size_t i = 0; i < parts.size(); ++i) {
    const FieldDescriptor* f = FindField(d, parts[i]);
    if (f == nullptr) {
      return absl::InvalidArgumentError(
          absl::StrCat("no field ", path, " in ", d->full_name()));
    }
    if (i + 1 < parts.size()) {
      if (f->type() != FieldDescriptor::TYPE_MESSAGE || f->is_repeated()) {
        return absl::InvalidArgumentError(
            absl::StrCat(path, " crosses a non-message field"));
      }
      d = f->message_type();
    }
  }
  return absl::OkStatus();
}

absl::Status BadValue(absl::string_view path, absl::string_view why) {
  return absl::InvalidArgumentError(
      absl::StrCat("invalid value for field \"", path, "\": ", why));
}

std::string CamelToSnake(absl::string_view in) {
  std::string out;
  for (char c : in) {
    if (absl::ascii_isupper(c)) {
      out.push_back('_');
      out.push_back(absl::ascii_tolower(c));
    } else {
      out.push_back(c);
    }
  }
  return out;
}

bool QueryDecode(absl::string_view in, std::string* out) {
  std::string plus(in);
  std::replace(plus.begin(), plus.end(), '+', ' ');
  return PercentDecode(plus, out);
}

}  // namespace

absl::Status SetFieldFromText(Message* message, absl::string_view path,
                              absl::string_view value) {
  std::vector<absl::string_view> parts = absl::StrSplit(path, '.');
  Message* m = message;
  for (size_t i = 0; i + 1 < parts.size(); ++i) {
    const FieldDescriptor* f = FindField(m->GetDescriptor(), parts[i]);
    if (f == nullptr || f->type() != FieldDescriptor::TYPE_MESSAGE ||
        f->is_repeated()) {
      return absl::InvalidArgumentError(
          absl::StrCat("unknown field \"", path, "\""));
    }
    m = m->GetReflection()->MutableMessage(m, f);
  }
  const FieldDescriptor* f = FindField(m->GetDescriptor(), parts.back());
  if (f == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("unknown field \"", path, "\""));
  }
  const Reflection* r = m->GetReflection();
  const bool rep = f->is_repeated();
  switch (f->cpp_type()) {
    case FieldDescriptor::CPPTYPE_STRING: {
      std::string v(value);
      if (f->type() == FieldDescriptor::TYPE_BYTES) {
        if (!absl::Base64Unescape(value, &v) &&
            !absl::WebSafeBase64Unescape(value, &v)) {
          return BadValue(path, "not base64");
        }
      }
      rep ? r->AddString(m, f, std::move(v)) : r->SetString(m, f, std::move(v));
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_INT32: {
      int32_t v;
      if (!absl::SimpleAtoi(value, &v)) return BadValue(path, "not an int32");
      rep ? r->AddInt32(m, f, v) : r->SetInt32(m, f, v);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_INT64: {
      int64_t v;
      if (!absl::SimpleAtoi(value, &v)) return BadValue(path, "not an int64");
      rep ? r->AddInt64(m, f, v) : r->SetInt64(m, f, v);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_UINT32: {
      uint32_t v;
      if (!absl::SimpleAtoi(value, &v)) return BadValue(path, "not a uint32");
      rep ? r->AddUInt32(m, f, v) : r->SetUInt32(m, f, v);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_UINT64: {
      uint64_t v;
      if (!absl::SimpleAtoi(value, &v)) return BadValue(path, "not a uint64");
      rep ? r->AddUInt64(m, f, v) : r->SetUInt64(m, f, v);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_DOUBLE:
    case FieldDescriptor::CPPTYPE_FLOAT: {
      double v;
      if (!absl::SimpleAtod(value, &v)) return BadValue(path, "not a number");
      if (f->cpp_type() == FieldDescriptor::CPPTYPE_DOUBLE) {
        rep ? r->AddDouble(m, f, v) : r->SetDouble(m, f, v);
      } else {
        rep ? r->AddFloat(m, f, static_cast<float>(v))
            : r->SetFloat(m, f, static_cast<float>(v));
      }
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_BOOL: {
      bool v;
      if (value == "true") {
        v = true;
      } else if (value == "false") {
        v = false;
      } else {
        return BadValue(path, "not true or false");
      }
      rep ? r->AddBool(m, f, v) : r->SetBool(m, f, v);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_ENUM: {
      const auto* e = f->enum_type()->FindValueByName(std::string(value));
      int number;
      if (e != nullptr) {
        number = e->number();
      } else if (absl::SimpleAtoi(value, &number) &&
                 f->enum_type()->FindValueByNumber(number) != nullptr) {
      } else {
        return BadValue(
            path, absl::StrCat("not a value of ", f->enum_type()->full_name()));
      }
      rep ? r->AddEnumValue(m, f, number) : r->SetEnumValue(m, f, number);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_MESSAGE: {
      if (!rep &&
          f->message_type()->full_name() == "google.protobuf.FieldMask") {
        auto* mask =
            static_cast<google::protobuf::FieldMask*>(r->MutableMessage(m, f));
        for (absl::string_view p :
             absl::StrSplit(value, ',', absl::SkipEmpty())) {
          mask->add_paths(CamelToSnake(absl::StripAsciiWhitespace(p)));
        }
        return absl::OkStatus();
      }
      if (!rep &&
          f->message_type()->full_name() == "google.protobuf.Timestamp") {
        // RFC 3339, as the JSON mapping writes a Timestamp.
        google::protobuf::Timestamp time;
        if (!google::protobuf::util::TimeUtil::FromString(std::string(value),
                                                          &time)) {
          return BadValue(path,
                          "not an RFC 3339 time such as 2024-01-01T00:00:00Z");
        }
        r->MutableMessage(m, f)->CopyFrom(time);
        return absl::OkStatus();
      }
      return BadValue(path, "messages cannot be set from a query parameter");
    }
  }
  return BadValue(path, "unsupported type");
}

absl::Status Transcoder::AddService(
    const google::protobuf::ServiceDescriptor* service) {
  for (int i = 0; i < service->method_count(); ++i) {
    const google::protobuf::MethodDescriptor* m = service->method(i);
    if (!m->options().HasExtension(google::api::http)) continue;
    std::vector<const google::api::HttpRule*> rules;
    const google::api::HttpRule& top =
        m->options().GetExtension(google::api::http);
    rules.push_back(&top);
    for (const auto& extra : top.additional_bindings()) rules.push_back(&extra);
    for (const google::api::HttpRule* rule : rules) {
      auto route = std::make_unique<HttpRoute>();
      std::string tmpl;
      switch (rule->pattern_case()) {
        case google::api::HttpRule::kGet:
          route->http_method = "GET";
          tmpl = rule->get();
          break;
        case google::api::HttpRule::kPost:
          route->http_method = "POST";
          tmpl = rule->post();
          break;
        case google::api::HttpRule::kPatch:
          route->http_method = "PATCH";
          tmpl = rule->patch();
          break;
        case google::api::HttpRule::kPut:
          route->http_method = "PUT";
          tmpl = rule->put();
          break;
        case google::api::HttpRule::kDelete:
          route->http_method = "DELETE";
          tmpl = rule->delete_();
          break;
        default:
          continue;
      }
      auto parsed = PathTemplate::Parse(tmpl);
      if (!parsed.ok()) return parsed.status();
      route->path = *std::move(parsed);
      route->method = m;
      route->full_method =
          absl::StrCat("/", service->full_name(), "/", m->name());
      route->client_streaming = m->client_streaming();
      route->server_streaming = m->server_streaming();
      route->body = rule->body();
      for (const std::string& var : route->path.variable_paths()) {
        if (absl::Status s = CheckFieldPath(m->input_type(), var); !s.ok()) {
          return absl::InvalidArgumentError(
              absl::StrCat(route->full_method, ": ", s.message()));
        }
      }
      if (!route->body.empty() && route->body != "*") {
        route->body_field = m->input_type()->FindFieldByName(route->body);
        if (route->body_field == nullptr ||
            route->body_field->type() != FieldDescriptor::TYPE_MESSAGE ||
            route->body_field->is_repeated()) {
          return absl::InvalidArgumentError(
              absl::StrCat(route->full_method, ": body \"", route->body,
                           "\" must name a singular message field"));
        }
      }
      routes_.push_back(std::move(route));
    }
  }
  std::stable_sort(routes_.begin(), routes_.end(),
                   [](const auto& a, const auto& b) {
                     return a->path.literal_count() > b->path.literal_count();
                   });
  return absl::OkStatus();
}

absl::StatusOr<RouteMatch> Transcoder::Match(absl::string_view http_method,
                                             absl::string_view path) const {
  bool path_known = false;
  RouteMatch match;
  for (const auto& route : routes_) {
    if (!route->path.Match(path, &match.bindings)) continue;
    if (route->http_method != http_method) {
      path_known = true;
      continue;
    }
    match.route = route.get();
    return match;
  }
  if (path_known) {
    return absl::UnimplementedError(
        absl::StrCat("method ", http_method, " is not allowed on ", path));
  }
  return absl::NotFoundError(absl::StrCat("no API method at ", path));
}

absl::Status Transcoder::BuildRequest(const RouteMatch& match,
                                      absl::string_view query,
                                      absl::string_view body,
                                      std::string* out) const {
  const HttpRoute& route = *match.route;
  std::unique_ptr<Message> request(
      google::protobuf::MessageFactory::generated_factory()
          ->GetPrototype(route.method->input_type())
          ->New());

  // Query parameters.
  for (absl::string_view pair : absl::StrSplit(query, '&', absl::SkipEmpty())) {
    if (route.body == "*") {
      return absl::InvalidArgumentError(
          "this method takes its fields from the body, not from query "
          "parameters");
    }
    std::pair<absl::string_view, absl::string_view> kv =
        absl::StrSplit(pair, absl::MaxSplits('=', 1));
    std::string key, value;
    if (!QueryDecode(kv.first, &key) || !QueryDecode(kv.second, &value)) {
      return absl::InvalidArgumentError(
          "malformed percent-escape in the query");
    }
    if (route.body_field != nullptr &&
        (key == route.body_field->name() ||
         key.rfind(route.body_field->name() + ".", 0) == 0 ||
         key == route.body_field->json_name() ||
         key.rfind(route.body_field->json_name() + ".", 0) == 0)) {
      return absl::InvalidArgumentError(
          absl::StrCat("\"", key, "\" belongs in the body"));
    }
    if (absl::Status s = SetFieldFromText(request.get(), key, value); !s.ok()) {
      return s;
    }
  }

  // Body.
  if (!route.body.empty()) {
    absl::string_view json = absl::StripAsciiWhitespace(body);
    if (json.empty()) json = "{}";
    google::protobuf::util::JsonParseOptions options;
    options.ignore_unknown_fields = false;
    Message* target = route.body_field == nullptr
                          ? request.get()
                          : request->GetReflection()->MutableMessage(
                                request.get(), route.body_field);
    auto s = google::protobuf::util::JsonStringToMessage(
        google::protobuf::StringPiece(json.data(), json.size()), target,
        options);
    if (!s.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("invalid JSON body: ", s.message().as_string()));
    }
  } else if (!absl::StripAsciiWhitespace(body).empty()) {
    return absl::InvalidArgumentError("this method takes no request body");
  }

  // Path variables last: they name the resource and win.
  for (const PathBinding& b : match.bindings) {
    if (absl::Status s = SetFieldFromText(request.get(), b.field_path, b.value);
        !s.ok()) {
      return s;
    }
  }
  if (!request->SerializeToString(out)) {
    return absl::InvalidArgumentError("the request cannot be serialized");
  }
  return absl::OkStatus();
}

absl::Status Transcoder::ResponseToJson(const HttpRoute& route,
                                        const grpc::ByteBuffer& response,
                                        std::string* json) const {
  std::unique_ptr<Message> message(
      google::protobuf::MessageFactory::generated_factory()
          ->GetPrototype(route.method->output_type())
          ->New());
  grpc::Slice slice;
  if (!response.DumpToSingleSlice(&slice).ok() ||
      !message->ParseFromArray(slice.begin(), static_cast<int>(slice.size()))) {
    return absl::InternalError("the backend's response does not parse");
  }
  google::protobuf::util::JsonPrintOptions options;
  options.always_print_primitive_fields = true;
  auto s = google::protobuf::util::MessageToJsonString(*message, json, options);
  if (!s.ok()) {
    return absl::InternalError(
        absl::StrCat("response to JSON: ", s.message().as_string()));
  }
  return absl::OkStatus();
}

std::string StatusToJson(const grpc::Status& status) {
  google::rpc::Status proto;
  if (!status.error_details().empty()) {
    proto.ParseFromString(status.error_details());
  }
  proto.set_code(status.error_code());
  proto.set_message(status.error_message());
  std::string json;
  google::protobuf::util::JsonPrintOptions options;
  options.always_print_primitive_fields = true;
  if (!google::protobuf::util::MessageToJsonString(proto, &json, options)
           .ok()) {
    proto.clear_details();
    json.clear();
    (void)google::protobuf::util::MessageToJsonString(proto, &json, options);
  }
  return json;
}

}  // namespace qpp::gateway
