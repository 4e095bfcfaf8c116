#!/usr/bin/python3
"""Writes the gateway's OpenAPI 3.0 document from the protos.

    gen_openapi.py --descriptor_set api.pb --swagger a.swagger.json ...
                   --out qpp-gateway.openapi.json [--public_method M ...]

Inputs: the Swagger 2.0 documents protoc-gen-swagger (Debian's
golang-grpc-gateway) writes, one per API proto file, and a
FileDescriptorSet of the same files (protoc --include_imports
--include_source_info). The plugin's message schemas and operations are
kept; what that plugin version cannot express is rebuilt from the
descriptors:
  - path templates such as /v1/{name=organizations/*} become literal
    segments with one parameter each (/v1/organizations/{organization}),
    named after the google.api.resource pattern of the bound field;
  - query parameters for every request field not in the path or body
    (lowerCamelCase, as the gateway's JSON), the path's fields left out of
    bodies;
  - google.api.field_behavior as `required` and `readOnly`,
    google.api.resource(_reference) as x-google-* extensions;
  - the API key security schemes, the google.rpc.Status error responses
    with their details, and each package's ErrorReason enum as its
    service's list of error reasons;
  - streaming methods are left out: the gateway serves them over gRPC only.
The result is OpenAPI 3.0.3, which integrators' generators and portals
read best; the Swagger 2.0 parts are an intermediate only.

Written in Python (Debian's /usr/bin/python3 with python3-protobuf)
rather than C++: the work is reshaping JSON, which Python's json module
does in a few lines with key order kept, without a JSON library or a
compile step; the descriptors come from protoc's descriptor set, so the
tool needs no generated code either. Any inconsistency (an unannotated
path variable, two schemas or operations of the same name) fails the build
with a message naming the proto element to fix.
"""

import argparse
import copy
import json
import os
import re
import sys

# The tool runs from the source tree: no __pycache__ there.
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from proto_index import FieldType, ProtoIndex  # noqa: E402
import openapi_common  # noqa: E402


GenerationError = openapi_common.GenerationError


_SCALARS = {
    FieldType.TYPE_DOUBLE: {"type": "number", "format": "double"},
    FieldType.TYPE_FLOAT: {"type": "number", "format": "float"},
    FieldType.TYPE_INT64: {"type": "string", "format": "int64"},
    FieldType.TYPE_UINT64: {"type": "string", "format": "uint64"},
    FieldType.TYPE_SINT64: {"type": "string", "format": "int64"},
    FieldType.TYPE_FIXED64: {"type": "string", "format": "uint64"},
    FieldType.TYPE_SFIXED64: {"type": "string", "format": "int64"},
    FieldType.TYPE_INT32: {"type": "integer", "format": "int32"},
    FieldType.TYPE_SINT32: {"type": "integer", "format": "int32"},
    FieldType.TYPE_SFIXED32: {"type": "integer", "format": "int32"},
    FieldType.TYPE_UINT32: {"type": "integer", "format": "int64"},
    FieldType.TYPE_FIXED32: {"type": "integer", "format": "int64"},
    FieldType.TYPE_BOOL: {"type": "boolean"},
    FieldType.TYPE_STRING: {"type": "string"},
    FieldType.TYPE_BYTES: {"type": "string", "format": "byte"},
}

# Well-known types whose JSON form is a string (protobuf JSON mapping).
_STRING_WKT = {
    "google.protobuf.Timestamp": {"type": "string", "format": "date-time"},
    "google.protobuf.Duration": {
        "type": "string", "pattern": r"^-?[0-9]+(\.[0-9]{1,9})?s$",
        "description": "A duration in seconds with an \"s\" suffix, "
                       "e.g. \"1.5s\"."},
    "google.protobuf.FieldMask": {
        "type": "string",
        "description": "Comma-separated field paths, e.g. "
                       "\"displayName,districtCode\"."},
}

_VERBS = ("get", "put", "post", "patch", "delete")


def summary_of(comment):
    """The first sentence of a comment, on one line."""
    text = " ".join(comment.split())
    match = re.match(r"(.+?[.!?])(\s|$)", text)
    return match.group(1) if match else text


def domain_of(package):
    """The ErrorInfo domain of a package: qpp.registry.v1 ->
    registry.qpp.gov.cn (common/status derives the same from the binary's
    service name)."""
    parts = package.split(".")
    return "%s.qpp.gov.cn" % (parts[1] if len(parts) > 2 else parts[0])


def swagger_path(swagger, path):
    """The operations protoc-gen-swagger wrote for the template `path`.

    It keeps "{name=things/*}" and "{parent=things/*}" as they are but
    writes a variable of any other top-level field ("{scheme=schemes/*}")
    as "{scheme}"; both spellings are looked up.
    """
    paths = swagger.get("paths", {})
    if path in paths:
        return paths[path]
    collapsed = re.sub(r"\{([a-z_]+)=[^}]*\}", r"{\1}", path)
    return paths.get(collapsed, {})


def parse_template(path):
    """Splits an http rule path into segments and a custom verb; a segment
    is a literal string or (field path, [sub-segments])."""
    segments, current, depth = [], "", 0
    for ch in path.lstrip("/"):
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
        if ch == "/" and depth == 0:
            segments.append(current)
            current = ""
        else:
            current += ch
    verb = ""
    colon = current.find(":", current.rfind("}") + 1)
    if colon >= 0:
        current, verb = current[:colon], current[colon + 1:]
    segments.append(current)
    out = []
    for seg in segments:
        if seg.startswith("{") and seg.endswith("}"):
            inner = seg[1:-1]
            field, _, sub = inner.partition("=")
            out.append((field, sub.split("/") if sub else ["*"]))
        else:
            out.append(seg)
    return out, verb


class Generator:
    def __init__(self, index, public_methods):
        self.index = index
        self.public_methods = set(public_methods)
        self.schemas = {}  # component name -> schema
        self.names = {}  # message/enum full name -> component name
        self.paths = {}
        self.operation_ids = {}
        self.tags = []
        self.body_trims = {}  # component -> path fields removed

    # -- schema names and conversion -------------------------------------

    def _base_name(self, full_name):
        """The name without its package, nested names joined."""
        packages = sorted({f.package for f in self.index.files.values()},
                          key=len, reverse=True)
        for package in packages:
            if package and full_name.startswith(package + "."):
                return package, full_name[len(package) + 1:].replace(".", "")
        return "", full_name.replace(".", "")

    def component_name(self, full_name):
        """A type's schema name: its name without the package, or, when
        types of two packages share that name (e.g. training's and
        demobase's Registration), the package's service name before it
        ("TrainingRegistration", "DemobaseRegistration") for every one of
        them, so that a name never depends on which was met first."""
        if full_name in self.names:
            return self.names[full_name]
        if full_name not in self.index.messages and \
                full_name not in self.index.enums:
            raise GenerationError("unknown type %s" % full_name)
        package, name = self._base_name(full_name)
        clashes = [other for other in
                   list(self.index.messages) + list(self.index.enums)
                   if other != full_name and
                   self._base_name(other)[1] == name and
                   self._base_name(other)[0] != package]
        if clashes:
            parts = [p for p in package.split(".") if p]
            service = parts[1] if len(parts) >= 2 and parts[0] == "qpp" \
                else (parts[-1] if parts else "")
            name = service[:1].upper() + service[1:] + name
        for other, taken in self.names.items():
            if taken == name:
                raise GenerationError(
                    "schema name %s is used by %s and %s; rename one "
                    "message" % (name, other, full_name))
        self.names[full_name] = name
        return name

    def ref(self, full_name):
        return {"$ref": "#/components/schemas/" + self.component_name(
            full_name)}

    def field_schema(self, field):
        """The schema of one field's value (before repetition)."""
        if field.type_name in _STRING_WKT:
            return copy.deepcopy(_STRING_WKT[field.type_name])
        if field.is_message or field.is_enum:
            return self.ref(field.type_name)
        return dict(_SCALARS[field.type])

    def message_schema(self, full_name, overrides=None):
        """A schema built from the descriptor alone (for messages no
        protoc-gen-swagger output holds, such as google.rpc's); `overrides`
        replaces the schemas of the fields it names."""
        msg = self.index.messages[full_name]
        props = {}
        for field in msg.fields:
            if overrides and field.json_name in overrides:
                props[field.json_name] = overrides[field.json_name]
                continue
            entry = self.index.messages.get(field.type_name)
            if entry is not None and entry.map_entry:
                schema = {"type": "object", "additionalProperties":
                          self.field_schema(entry.field("value"))}
            else:
                schema = self.field_schema(field)
                if field.repeated:
                    schema = {"type": "array", "items": schema}
            if field.comment:
                if "$ref" in schema:
                    schema = {"allOf": [schema]}
                schema["description"] = field.comment
            props[field.json_name] = schema
        return {"type": "object", "description": msg.comment,
                "properties": props}

    def map_definitions(self, swagger, service):
        """Which protoc-gen-swagger definition is which message: read off
        the operations' schemas and then the properties, structurally."""
        defs = swagger.get("definitions", {})
        mapping = {}

        def bind(ref, full_name):
            name = ref.rsplit("/", 1)[-1]
            if mapping.get(name, full_name) != full_name:
                raise GenerationError("definition %s is both %s and %s" %
                                      (name, mapping[name], full_name))
            if name in mapping:
                return
            mapping[name] = full_name
            msg = self.index.messages.get(full_name)
            if msg is None:
                return
            for prop, schema in defs.get(name, {}).get("properties",
                                                       {}).items():
                field = msg.field(prop)
                if field is None:
                    raise GenerationError("%s has no field %s" %
                                          (full_name, prop))
                target = schema.get("$ref") or schema.get("items", {}).get(
                    "$ref")
                if target:
                    bind(target, field.type_name)

        for method in service.methods:
            if method.streaming:  # left out of the document
                continue
            for binding in method.http:
                op = swagger_path(swagger, binding["path"]).get(
                    binding["verb"])
                if op is None:
                    continue
                schema = op["responses"]["200"].get("schema", {})
                if "$ref" in schema:
                    bind(schema["$ref"], method.output_type)
                for param in op.get("parameters", []):
                    if param.get("in") != "body":
                        continue
                    body_type = method.input_type
                    if binding["body"] != "*":
                        body_type = self.index.messages[
                            method.input_type].field(binding["body"]).type_name
                    bind(param["schema"]["$ref"], body_type)
        return mapping

    def convert_definition(self, full_name, definition, mapping):
        """A protoc-gen-swagger definition as an OpenAPI 3 schema, with the
        descriptor's annotations applied."""
        schema = copy.deepcopy(definition)
        schema.pop("title", None)
        msg = self.index.messages.get(full_name)
        if msg is None:  # an enum: kept as the plugin wrote it
            schema["type"] = "string"
            return schema
        schema["type"] = "object"
        if msg.comment:
            schema["description"] = msg.comment
        required = []
        props = {}
        for prop, value in schema.get("properties", {}).items():
            field = msg.field(prop)
            value = self.convert_property(value, field, mapping)
            if "REQUIRED" in field.behaviors:
                required.append(prop)
            props[prop] = value
        schema["properties"] = props
        if required:
            schema["required"] = required
        if msg.resource:
            schema["x-google-resource"] = {
                "type": msg.resource["type"],
                "pattern": msg.resource["patterns"],
            }
        return schema

    def convert_property(self, value, field, mapping):
        value = copy.deepcopy(value)
        value.pop("title", None)
        if field.comment:
            value["description"] = field.comment

        def fix_ref(node):
            ref = node.pop("$ref", None)
            if ref is None:
                return node
            full = mapping.get(ref.rsplit("/", 1)[-1], field.type_name)
            if full in _STRING_WKT:
                node.update(copy.deepcopy(_STRING_WKT[full]))
                return node
            extra = {k: v for k, v in node.items()}
            node.clear()
            if extra:
                node["allOf"] = [self.ref(full)]
                node.update(extra)
            else:
                node.update(self.ref(full))
            return node

        if "items" in value:
            fix_ref(value["items"])
        else:
            fix_ref(value)
        if "OUTPUT_ONLY" in field.behaviors or \
                "IDENTIFIER" in field.behaviors:
            value["readOnly"] = True
        if field.behaviors:
            value["x-google-field-behavior"] = list(field.behaviors)
        if field.reference:
            value["x-google-resource-reference"] = dict(field.reference)
        return value

    # -- paths -----------------------------------------------------------

    def resolve_field(self, message_name, field_path):
        """The field at a dotted path of a message, and its message."""
        msg = self.index.messages[message_name]
        field = None
        for part in field_path.split("."):
            if field is not None:
                msg = self.index.messages[field.type_name]
            field = msg.field(part)
            if field is None:
                raise GenerationError("%s has no field %s" %
                                      (message_name, field_path))
        return field, msg

    def resource_patterns(self, field, owner):
        if "type" in field.reference:
            res = self.index.resource_by_type(field.reference["type"])
            return res.resource["patterns"] if res else []
        if "childType" in field.reference:
            res = self.index.resource_by_type(field.reference["childType"])
            return ["/".join(p.split("/")[:-2])
                    for p in res.resource["patterns"]] if res else []
        if field.name == "name" and owner.resource:
            return owner.resource["patterns"]
        return []

    def literal_path(self, method, binding):
        """The path with literal segments and its path parameters."""
        segments, verb = parse_template(binding["path"])
        out, params, bound = [], [], []
        names_resource = False
        for seg in segments:
            if isinstance(seg, str):
                if "*" in seg or "{" in seg:
                    raise GenerationError("%s: unsupported segment %s" %
                                          (method.full_name, seg))
                out.append(seg)
                continue
            field_path, sub = seg
            field, owner = self.resolve_field(method.input_type, field_path)
            bound.append(field_path)
            if sub == ["*"] and not field.reference and not (
                    field.name == "name" and owner.resource):
                out.append("{%s}" % field.json_name)
                schema = self.field_schema(field)
                params.append(self.path_param(field.json_name, schema,
                                              field.comment))
                continue
            match = None
            for pattern in self.resource_patterns(field, owner):
                parts = pattern.split("/")
                if len(parts) == len(sub) and all(
                        s == p or (s == "*" and p.startswith("{"))
                        for s, p in zip(sub, parts)):
                    match = pattern, parts
                    break
            if match is None:
                raise GenerationError(
                    "%s: path variable {%s=%s} matches no resource pattern; "
                    "annotate %s with google.api.resource_reference (or its "
                    "message with google.api.resource)" %
                    (method.full_name, field_path, "/".join(sub),
                     field_path))
            pattern, parts = match
            names_resource = True
            for s, p in zip(sub, parts):
                if s != "*":
                    out.append(s)
                    continue
                var = p[1:-1]
                out.append("{%s}" % var)
                text = "The `{%s}` segment of `%s` (field `%s`)." % (
                    var, pattern, field_path)
                if field.comment:
                    text += " " + field.comment
                params.append(self.path_param(var, {"type": "string"}, text))
        names = [p["name"] for p in params]
        if len(set(names)) != len(names):
            raise GenerationError("%s: repeated path parameter in %s" %
                                  (method.full_name, binding["path"]))
        path = "/" + "/".join(out) + (":" + verb if verb else "")
        return path, params, bound, names_resource

    @staticmethod
    def path_param(name, schema, description):
        return {"name": name, "in": "path", "required": True,
                "description": description, "schema": schema}

    def query_params(self, message_name, skip, prefix="", depth=0):
        params = []
        for field in self.index.messages[message_name].fields:
            if field.name in skip or field.json_name in skip:
                continue
            name = prefix + field.json_name
            if field.is_message and field.type_name not in _STRING_WKT:
                if field.repeated or depth >= 3:
                    raise GenerationError(
                        "%s.%s cannot be a query parameter" %
                        (message_name, field.name))
                params += self.query_params(field.type_name, (), name + ".",
                                            depth + 1)
                continue
            schema = self.field_schema(field)
            if field.repeated:
                schema = {"type": "array", "items": schema}
            param = {"name": name, "in": "query",
                     "description": field.comment or name, "schema": schema}
            if "REQUIRED" in field.behaviors:
                param["required"] = True
            params.append(param)
        return params

    def add_operation(self, service, method, binding, number):
        path, params, bound, names_resource = self.literal_path(method,
                                                                binding)
        top_bound = {b.split(".")[0] for b in bound}
        # Additional bindings of a method are numbered from 2. A method name
        # that two services share (training's and demobase's
        # CreateRegistration) is prefixed with the service's name in both,
        # so that an id never depends on which was met first.
        shared = any(other is not service and
                     any(m.name == method.name for m in other.methods)
                     for other in self.index.services.values())
        op_id = (service.name + "_" if shared else "") + method.name + (
            str(number + 1) if number else "")
        if op_id in self.operation_ids:
            raise GenerationError("operationId %s: both %s and %s" % (
                op_id, self.operation_ids[op_id], method.full_name))
        self.operation_ids[op_id] = method.full_name
        description = method.comment
        mask = self.index.messages[method.input_type].field("update_mask")
        if mask is not None and binding["body"] not in ("", "*"):
            description += (
                "\n\nA partial update: send the fields named in `updateMask` "
                "(the resource's required fields apply to its creation).")
        description += "\n\ngRPC: `%s`." % method.full_name.lstrip("/")
        op = {
            "tags": [service.name],
            "summary": summary_of(method.comment),
            "description": description,
            "operationId": op_id,
        }
        if binding["body"] == "*":
            query = []
        else:
            query = self.query_params(method.input_type,
                                      top_bound | {binding["body"]})
        op["parameters"] = params + query
        if binding["body"]:
            if binding["body"] == "*":
                name = self.component_name(method.input_type)
                self.trim_body(name, method, top_bound)
                schema = self.ref(method.input_type)
            else:
                field = self.index.messages[method.input_type].field(
                    binding["body"])
                schema = self.field_schema(field)
            op["requestBody"] = {
                "required": True,
                "content": {"application/json": {"schema": schema}},
            }
        # A lookup by required query parameters (e.g. a certificate's
        # number and code) can find nothing, as a resource name can.
        looks_up = any(q.get("required") for q in query)
        op["responses"] = openapi_common.responses(
            self.ref(method.output_type),
            names_resource=names_resource or looks_up,
            mutation=binding["verb"] != "get",
            has_body=bool(binding["body"]))
        if method.full_name in self.public_methods:
            op["security"] = []
        verbs = self.paths.setdefault(path, {})
        if binding["verb"] in verbs:
            raise GenerationError("two methods bind %s %s" %
                                  (binding["verb"].upper(), path))
        verbs[binding["verb"]] = op

    def trim_body(self, name, method, fields):
        """Leaves the path's fields out of a body: "*" schema."""
        if self.body_trims.setdefault(name, fields) != fields:
            raise GenerationError("%s is the body of bindings with different "
                                  "path fields" % method.input_type)
        schema = self.schemas[name]
        msg = self.index.messages[method.input_type]
        for f in fields:
            json_name = msg.field(f).json_name
            schema["properties"].pop(json_name, None)
            if json_name in schema.get("required", []):
                schema["required"].remove(json_name)
        if not schema.get("required"):
            schema.pop("required", None)

    # -- whole document --------------------------------------------------

    def add_service_file(self, swagger, file_name):
        services = [s for s in self.index.services.values()
                    if s.file_name == file_name]
        for service in services:
            mapping = self.map_definitions(swagger, service)
            for def_name, full_name in mapping.items():
                if full_name in _STRING_WKT:
                    continue
                name = self.component_name(full_name)
                if name not in self.schemas:
                    self.schemas[name] = self.convert_definition(
                        full_name, swagger["definitions"][def_name], mapping)
            grpc_only = []
            for method in service.methods:
                if method.streaming:
                    grpc_only.append(method.name)
                    continue
                for number, binding in enumerate(method.http):
                    if binding["verb"] not in swagger_path(
                            swagger, binding["path"]):
                        raise GenerationError(
                            "protoc-gen-swagger wrote no %s %s for %s" %
                            (binding["verb"], binding["path"],
                             method.full_name))
                    self.add_operation(service, method, binding, number)
            self.tags.append(openapi_common.service_tag(
                self.index, service, grpc_only, domain_of(service.package)))

    def document(self, title, version):
        openapi_common.add_gateway_paths(self.paths)
        self.tags.append(openapi_common.gateway_tag(self.index))
        schemas = dict(self.schemas)
        schemas.update(openapi_common.error_schemas(self.index, self))
        # google.rpc.Status in a response (a batch's per-row status) brings
        # google.protobuf.Any, which the typed details of error_schemas
        # replace: leave it out once nothing refers to it.
        text = json.dumps([schemas, self.paths])
        if "Any" in schemas and '"#/components/schemas/Any"' not in text:
            del schemas["Any"]
        schemas = dict(sorted(schemas.items()))
        paths = {p: {v: self.paths[p][v] for v in _VERBS if v in self.paths[p]}
                 for p in sorted(self.paths)}
        return {
            "openapi": "3.0.3",
            "info": openapi_common.info(title, version),
            "servers": [{"url": "/", "description":
                         "The gateway that serves this document."}],
            "security": [{"ApiKey": []}, {"BearerKey": []}],
            "tags": self.tags,
            "paths": paths,
            "components": {
                "schemas": schemas,
                "responses": openapi_common.RESPONSES,
                "headers": openapi_common.HEADERS,
                "securitySchemes": openapi_common.SECURITY_SCHEMES,
            },
        }


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--descriptor_set", required=True)
    parser.add_argument("--swagger", nargs="+", required=True,
                        help="<proto file>=<swagger json> pairs")
    parser.add_argument("--public_method", action="append", default=[],
                        help="/pkg.Service/Method answered without a key")
    parser.add_argument("--title", default="qpp public API")
    parser.add_argument("--version", default="v1")
    parser.add_argument("--out", required=True)
    args = parser.parse_args(argv)
    index = ProtoIndex(args.descriptor_set)
    gen = Generator(index, args.public_method)
    try:
        for pair in args.swagger:
            proto_file, _, swagger_path = pair.partition("=")
            with open(swagger_path, encoding="utf-8") as f:
                gen.add_service_file(json.load(f), proto_file)
        doc = gen.document(args.title, args.version)
    except GenerationError as e:
        print("gen_openapi: %s" % e, file=sys.stderr)
        return 1
    tmp = args.out + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(doc, f, indent=2, ensure_ascii=False)
        f.write("\n")
    os.replace(tmp, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
