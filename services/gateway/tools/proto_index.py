"""An index of a FileDescriptorSet for the OpenAPI generator.

Reads the set that protoc writes with --include_imports and
--include_source_info, and gives every message, enum and service by its
fully-qualified name together with its comments and the google.api options
the generator needs (http, field_behavior, resource, resource_reference).

Those options are extensions. Debian's python3-protobuf has no generated
modules for google/api, so their bytes are decoded here directly from the
options' unknown fields: a few tags of plain protobuf wire format.
"""

from google.protobuf import descriptor_pb2

FieldType = descriptor_pb2.FieldDescriptorProto

# Extension numbers (google/api/*.proto).
_HTTP = 72295728  # MethodOptions: google.api.HttpRule http
_FIELD_BEHAVIOR = 1052  # FieldOptions: repeated google.api.FieldBehavior
_RESOURCE_REFERENCE = 1055  # FieldOptions: google.api.ResourceReference
_RESOURCE = 1053  # MessageOptions: google.api.ResourceDescriptor

# google.api.FieldBehavior values.
FIELD_BEHAVIORS = {
    1: "OPTIONAL",
    2: "REQUIRED",
    3: "OUTPUT_ONLY",
    4: "INPUT_ONLY",
    5: "IMMUTABLE",
    6: "UNORDERED_LIST",
    7: "NON_EMPTY_DEFAULT",
    8: "IDENTIFIER",
}

_HTTP_VERBS = {2: "get", 3: "put", 4: "post", 5: "delete", 6: "patch"}


def _varint(data, pos):
    result = shift = 0
    while True:
        byte = data[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        if byte < 0x80:
            return result, pos
        shift += 7


def _fields(data):
    """Yields (number, wire type, value) of a serialized message; value is an
    int for varints and bytes for length-delimited fields."""
    pos = 0
    while pos < len(data):
        tag, pos = _varint(data, pos)
        number, wire = tag >> 3, tag & 7
        if wire == 0:
            value, pos = _varint(data, pos)
        elif wire == 2:
            length, pos = _varint(data, pos)
            value = data[pos:pos + length]
            pos += length
        elif wire == 1:
            value, pos = data[pos:pos + 8], pos + 8
        elif wire == 5:
            value, pos = data[pos:pos + 4], pos + 4
        else:
            raise ValueError("unsupported wire type %d in options" % wire)
        yield number, wire, value


def _http_rule(data):
    """A google.api.HttpRule as a list of bindings {verb, path, body}: the rule
    itself first, then its additional_bindings."""
    rule = {"body": ""}
    extra = []
    for number, _, value in _fields(data):
        if number in _HTTP_VERBS:
            rule["verb"], rule["path"] = _HTTP_VERBS[number], value.decode()
        elif number == 8:  # custom {kind, path}
            custom = {n: v.decode() for n, _, v in _fields(value)}
            rule["verb"], rule["path"] = custom.get(1, ""), custom.get(2, "")
        elif number == 7:
            rule["body"] = value.decode()
        elif number == 11:
            extra.extend(_http_rule(value))
    return ([rule] if "verb" in rule else []) + extra


class Field:
    """A message field with what the generator needs of it."""

    def __init__(self, proto, comment):
        self.proto = proto
        self.name = proto.name
        self.json_name = proto.json_name
        self.number = proto.number
        self.comment = comment
        self.repeated = proto.label == FieldType.LABEL_REPEATED
        self.type = proto.type
        self.type_name = proto.type_name.lstrip(".")
        self.behaviors = []
        self.reference = {}  # {"type": ...} or {"childType": ...}
        for number, wire, value in _fields(proto.options.SerializeToString()):
            if number == _FIELD_BEHAVIOR:
                if wire == 2:  # packed
                    pos = 0
                    while pos < len(value):
                        v, pos = _varint(value, pos)
                        self.behaviors.append(FIELD_BEHAVIORS.get(v, str(v)))
                else:
                    self.behaviors.append(FIELD_BEHAVIORS.get(value, str(value)))
            elif number == _RESOURCE_REFERENCE:
                for n, _, v in _fields(value):
                    self.reference["type" if n == 1 else "childType"] = v.decode()

    @property
    def is_message(self):
        return self.type == FieldType.TYPE_MESSAGE

    @property
    def is_enum(self):
        return self.type == FieldType.TYPE_ENUM


class Message:
    def __init__(self, full_name, proto, comment, index):
        self.full_name = full_name
        self.name = proto.name
        self.proto = proto
        self.comment = comment
        self.map_entry = proto.options.map_entry
        self.fields = []
        self.resource = None  # {"type", "patterns", "plural", "singular"}
        for number, _, value in _fields(proto.options.SerializeToString()):
            if number == _RESOURCE:
                res = {"patterns": []}
                for n, _, v in _fields(value):
                    if n == 1:
                        res["type"] = v.decode()
                    elif n == 2:
                        res["patterns"].append(v.decode())
                    elif n == 5:
                        res["plural"] = v.decode()
                    elif n == 6:
                        res["singular"] = v.decode()
                self.resource = res

    def field(self, name):
        """The field called `name` (proto or JSON name), or None."""
        for f in self.fields:
            if f.name == name or f.json_name == name:
                return f
        return None


class Enum:
    def __init__(self, full_name, proto, comment, package):
        self.full_name = full_name
        self.name = proto.name
        self.package = package
        self.comment = comment
        self.values = []  # [(name, number, comment)]


class Method:
    def __init__(self, service, proto, comment):
        self.service = service
        self.name = proto.name
        self.full_name = "/%s/%s" % (service.full_name, proto.name)
        self.input_type = proto.input_type.lstrip(".")
        self.output_type = proto.output_type.lstrip(".")
        self.streaming = proto.client_streaming or proto.server_streaming
        self.comment = comment
        self.http = []
        for number, _, value in _fields(proto.options.SerializeToString()):
            if number == _HTTP:
                self.http = _http_rule(value)


class Service:
    def __init__(self, full_name, proto, comment, package, file_name):
        self.full_name = full_name
        self.name = proto.name
        self.package = package
        self.file_name = file_name
        self.comment = comment
        self.methods = []


def _clean(comment):
    """A proto comment as text: one leading space per line removed, paragraphs
    kept."""
    lines = [line[1:] if line.startswith(" ") else line
             for line in comment.strip("\n").split("\n")]
    return "\n".join(lines).strip()


class ProtoIndex:
    """Messages, enums and services of a FileDescriptorSet by full name."""

    def __init__(self, path):
        with open(path, "rb") as f:
            fds = descriptor_pb2.FileDescriptorSet.FromString(f.read())
        self.messages = {}
        self.enums = {}
        self.services = {}
        self.files = {}
        for file in fds.file:
            self.files[file.name] = file
            comments = {
                tuple(loc.path): _clean(loc.leading_comments)
                for loc in file.source_code_info.location
                if loc.leading_comments
            }
            prefix = file.package + "." if file.package else ""
            for i, m in enumerate(file.message_type):
                self._add_message(prefix + m.name, m, (4, i), comments,
                                  file.package)
            for i, e in enumerate(file.enum_type):
                self._add_enum(prefix + e.name, e, (5, i), comments,
                               file.package)
            for i, s in enumerate(file.service):
                svc = Service(prefix + s.name, s, comments.get((6, i), ""),
                              file.package, file.name)
                for j, m in enumerate(s.method):
                    svc.methods.append(
                        Method(svc, m, comments.get((6, i, 2, j), "")))
                self.services[svc.full_name] = svc

    def _add_message(self, full_name, proto, path, comments, package):
        msg = Message(full_name, proto, comments.get(path, ""), self)
        for j, f in enumerate(proto.field):
            msg.fields.append(Field(f, comments.get(path + (2, j), "")))
        self.messages[full_name] = msg
        for k, nested in enumerate(proto.nested_type):
            self._add_message(full_name + "." + nested.name, nested,
                              path + (3, k), comments, package)
        for k, e in enumerate(proto.enum_type):
            self._add_enum(full_name + "." + e.name, e, path + (4, k),
                           comments, package)

    def _add_enum(self, full_name, proto, path, comments, package):
        enum = Enum(full_name, proto, comments.get(path, ""), package)
        for j, v in enumerate(proto.value):
            enum.values.append((v.name, v.number,
                                comments.get(path + (2, j), "")))
        self.enums[full_name] = enum

    def resource_by_type(self, resource_type):
        """The message annotated as resource `resource_type`, or None."""
        for msg in self.messages.values():
            if msg.resource and msg.resource.get("type") == resource_type:
                return msg
        return None
