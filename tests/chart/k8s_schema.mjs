// Validation of rendered Kubernetes objects against the API's OpenAPI
// schemas, as packaged by kubernetes-models (built-in kinds) and
// @kubernetes-models/{prometheus-operator,gateway-api} (custom resources):
// types, required fields and enums through the packages' validators, and
// unknown fields (which the API server rejects, or drops, and which those
// validators let pass) through the field lists of the packages' type
// declarations.

import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);

// API group → the package folder that models it.
const PACKAGES = [
  { group: "monitoring.coreos.com", pkg: "@kubernetes-models/prometheus-operator" },
  { group: "gateway.networking.k8s.io", pkg: "@kubernetes-models/gateway-api" },
  { group: "", pkg: "kubernetes-models" },
];

function packageRoot(pkg) {
  return path.dirname(require.resolve(`${pkg}/package.json`, { paths: [process.cwd()] }));
}

// "apps/v1" + "Deployment" → { module: "kubernetes-models/apps/v1/Deployment", file }
function modelOf(apiVersion, kind) {
  const [group, version] = apiVersion.includes("/") ? apiVersion.split("/") : ["", apiVersion];
  const entry = PACKAGES.find((p) => p.group === group) ??
    (group.includes(".") && !group.endsWith(".k8s.io") ? null : PACKAGES.at(-1));
  if (!entry) return null;
  const sub = group ? `${group}/${version}/${kind}` : `${version}/${kind}`;
  const file = path.join(packageRoot(entry.pkg), `${sub}.d.ts`);
  if (!fs.existsSync(file)) return null;
  return { module: `${entry.pkg}/${sub}`, file };
}

// ---------------------------------------------------------------------------
// A small reader of the generated .d.ts files: interfaces and their fields.

function stripComments(text) {
  return text.replace(/\/\*[\s\S]*?\*\//g, "").replace(/^\s*\/\/.*$/gm, "");
}

// Parses a TypeScript type starting at text[pos]; returns [type, pos].
function parseType(text, pos) {
  const skip = () => { while (pos < text.length && /\s/.test(text[pos])) pos++; };
  const members = [];
  for (;;) {
    skip();
    let t;
    if (text[pos] === "{") {
      pos++;
      t = { k: "obj", fields: {}, map: null };
      for (;;) {
        skip();
        if (text[pos] === "}") { pos++; break; }
        if (text[pos] === "[") {
          const close = text.indexOf("]", pos);
          pos = text.indexOf(":", close) + 1;
          [t.map, pos] = parseType(text, pos);
        } else {
          const m = /^"([^"]+)"\??:|^([A-Za-z_$][\w$]*)\??:/.exec(text.slice(pos, pos + 200));
          if (!m) throw new Error(`cannot read member at: ${text.slice(pos, pos + 60)}`);
          pos += m[0].length;
          let ft;
          [ft, pos] = parseType(text, pos);
          t.fields[m[1] ?? m[2]] = ft;
        }
        skip();
        if (text[pos] === ";" || text[pos] === ",") pos++;
      }
    } else if (text[pos] === '"') {
      const end = text.indexOf('"', pos + 1);
      pos = end + 1;
      t = { k: "lit" };
    } else if (text[pos] === "(") {
      [t, pos] = parseType(text, pos + 1);
      skip();
      pos++; // ")"
    } else {
      const m = /^[A-Za-z_$][\w$.]*/.exec(text.slice(pos, pos + 300));
      if (!m) throw new Error(`cannot read type at: ${text.slice(pos, pos + 60)}`);
      pos += m[0].length;
      if (text[pos] === "<") {
        let arg;
        [arg, pos] = parseType(text, pos + 1);
        skip();
        pos++; // ">"
        t = m[0] === "Array" ? { k: "arr", item: arg } : { k: "any" };
      } else if (text[pos] === "[") {
        t = { k: "any" }; // indexed access, e.g. IFoo["kind"]
        pos = text.indexOf("]", pos) + 1;
      } else {
        t = { k: "ref", name: m[0] };
      }
    }
    skip();
    while (text.startsWith("[]", pos)) { t = { k: "arr", item: t }; pos += 2; skip(); }
    members.push(t);
    if (text[pos] === "|" || text[pos] === "&") { pos++; continue; }
    break;
  }
  return [members.length === 1 ? members[0] : { k: "union", types: members }, pos];
}

export class FieldChecker {
  constructor() {
    this.types = new Map(); // alias or interface name → type
    this.parsed = new Set();
    this.imports = new Map(); // name → .d.ts file declaring it
  }

  load(file) {
    if (this.parsed.has(file)) return;
    this.parsed.add(file);
    const text = stripComments(fs.readFileSync(file, "utf8"));
    for (const m of text.matchAll(/import \{([^}]*)\} from "([^"]+)"/g)) {
      let target = m[2];
      if (target.startsWith(".")) {
        target = path.resolve(path.dirname(file), target.replace(/\.js$/, ".d.ts"));
      } else {
        const parts = target.split("/");
        const pkg = target.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0];
        const rest = parts.slice(pkg.split("/").length).join("/");
        if (!rest) continue;
        try {
          target = path.join(packageRoot(pkg), `${rest}.d.ts`);
        } catch {
          continue;
        }
      }
      for (const name of m[1].split(",").map((s) => s.trim()).filter(Boolean)) {
        this.imports.set(name, target);
      }
    }
    for (const m of text.matchAll(/export interface (\w+)(?: extends ([\w, <>]+))? \{/g)) {
      const [type] = parseType(text, m.index + m[0].length - 1);
      for (const base of (m[2] ?? "").split(",").map((s) => s.trim()).filter(Boolean)) {
        if (base === "TypeMeta") {
          type.fields.apiVersion = { k: "lit" };
          type.fields.kind = { k: "lit" };
        } else {
          (type.bases ??= []).push(base);
        }
      }
      this.types.set(m[1], type);
    }
    for (const m of text.matchAll(/export type \{([^}]*)\}/g)) {
      for (const part of m[1].split(",")) {
        const [orig, alias] = part.split(" as ").map((s) => s.trim());
        if (alias && this.types.has(orig)) this.types.set(alias, this.types.get(orig));
      }
    }
  }

  resolve(name) {
    if (!this.types.has(name) && this.imports.has(name) && fs.existsSync(this.imports.get(name))) {
      this.load(this.imports.get(name));
    }
    return this.types.get(name) ?? null;
  }

  // The fields of an interface and of the interfaces it extends.
  fieldsOf(type) {
    let fields = type.fields;
    for (const base of type.bases ?? []) {
      const resolved = this.resolve(base);
      if (resolved?.k === "obj") fields = { ...this.fieldsOf(resolved), ...fields };
    }
    return fields;
  }

  // Unknown fields of `value` under `type`, as JSON paths.
  unknown(value, type, where, out) {
    if (value === null || typeof value !== "object" || !type) return out;
    switch (type.k) {
      case "ref":
        return this.unknown(value, this.resolve(type.name), where, out);
      case "arr":
        if (Array.isArray(value)) value.forEach((v, i) => this.unknown(v, type.item, `${where}[${i}]`, out));
        return out;
      case "union": {
        const objectLike = type.types.map((t) => (t.k === "ref" ? this.resolve(t.name) : t))
          .filter((t) => t && (t.k === "obj" || t.k === "arr"));
        if (objectLike.length === 1) return this.unknown(value, objectLike[0], where, out);
        return out;
      }
      case "obj": {
        if (Array.isArray(value)) return out;
        const fields = this.fieldsOf(type);
        for (const [key, v] of Object.entries(value)) {
          if (key in fields) this.unknown(v, fields[key], `${where}.${key}`, out);
          else if (type.map) this.unknown(v, type.map, `${where}.${key}`, out);
          else out.push(`${where}.${key}`);
        }
        return out;
      }
      default:
        return out;
    }
  }
}

// Validates one object. Returns a list of problems ("" when none).
export async function validateObject(object, checker) {
  const { apiVersion, kind } = object;
  const model = apiVersion && kind ? modelOf(apiVersion, kind) : null;
  if (!model) return [`no schema for ${apiVersion} ${kind}`];
  const problems = [];
  const mod = await import(model.module);
  const Model = mod[kind] ?? mod.default;
  try {
    new Model(object).validate();
  } catch (e) {
    const errors = e.errors ?? [{ instancePath: "", message: e.message }];
    for (const err of errors) {
      problems.push(`${err.instancePath || "/"} ${err.message}` +
        (err.params?.allowedValues ? ` (${err.params.allowedValues.join(", ")})` : "") +
        (err.params?.missingProperty ? ` (${err.params.missingProperty})` : ""));
    }
  }
  checker.load(model.file);
  for (const field of checker.unknown(object, checker.resolve(`I${kind}`), "", [])) {
    problems.push(`${field}: unknown field`);
  }
  return problems;
}
