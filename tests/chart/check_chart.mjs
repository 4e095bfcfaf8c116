// Checks the chart's renders (tests/chart/check.sh makes them): the values
// against values.schema.json, every object against the Kubernetes schemas
// (k8s_schema.mjs), and what only this project knows: every flag and
// QPP_* variable a container gets is one its binary has (--helpfull),
// every enabled service's binary is built, secrets arrive as files, pods
// roll when their configuration changes, probes separate liveness from
// readiness, mTLS and the NetworkPolicies admit exactly each service's
// callers, the gateway's routes reach those services, and the audit log
// is durable.
//
// Usage: node tests/chart/check_chart.mjs --bin-dir DIR --root DIR CASE...
//   CASE: a render's base name; CASE.json holds its objects and
//   CASE.values.json its merged values (render -json, -values-out).
// Prints one line per case and exits 1 if anything failed.

import fs from "node:fs";
import path from "node:path";
import { spawnSync } from "node:child_process";
import Ajv from "ajv";
import { FieldChecker, validateObject } from "./k8s_schema.mjs";

const args = process.argv.slice(2);
const option = (name) => {
  const i = args.indexOf(name);
  if (i < 0) return null;
  const [value] = args.splice(i, 2).slice(1);
  return value;
};
const binDir = option("--bin-dir") ?? "build/bin";
const root = option("--root") ?? ".";
const cases = args;

const MIN_AUDIT_RETENTION_DAYS = 184; // the longest 6 months

// --helpfull of each binary: its flag names.
const flagCache = new Map();
function flagsOf(binary) {
  if (!flagCache.has(binary)) {
    const file = path.join(binDir, binary);
    if (!fs.existsSync(file)) {
      flagCache.set(binary, null);
    } else {
      const r = spawnSync(file, ["--helpfull"], { encoding: "utf8", timeout: 20000 });
      const text = `${r.stdout}\n${r.stderr}`;
      flagCache.set(binary, new Set([...text.matchAll(/^\s+--([a-z0-9_]+) \(/gm)].map((m) => m[1])));
    }
  }
  return flagCache.get(binary);
}

function podSpecOf(o) {
  if (o.kind === "Pod") return o.spec;
  return o.spec?.template?.spec ?? null;
}

function checkCase(name, objects, values, problems) {
  const fail = (what) => problems.push(what);
  const byKind = (kind) => objects.filter((o) => o.kind === kind);
  const find = (kind, n) => objects.find((o) => o.kind === kind && o.metadata.name === n);
  const configMaps = new Map(byKind("ConfigMap").map((o) => [o.metadata.name, o.data ?? {}]));
  const workloads = objects.filter((o) => ["Deployment", "StatefulSet", "Job", "Pod"].includes(o.kind));

  // Names of objects are unique per kind.
  const seen = new Set();
  for (const o of objects) {
    const key = `${o.kind}/${o.metadata.name}`;
    if (seen.has(key)) fail(`${key}: rendered twice`);
    seen.add(key);
  }

  // The environment a container ends up with: its ConfigMaps, then env.
  const envOf = (c) => {
    const env = new Map();
    for (const from of c.envFrom ?? []) {
      const data = configMaps.get(from.configMapRef?.name);
      if (from.configMapRef && !data) fail(`ConfigMap ${from.configMapRef.name}: referenced, not rendered`);
      for (const [k, v] of Object.entries(data ?? {})) env.set(k, { value: v });
    }
    for (const e of c.env ?? []) env.set(e.name, e);
    return env;
  };

  for (const w of workloads) {
    const spec = podSpecOf(w);
    const where = `${w.kind}/${w.metadata.name}`;
    const volumes = new Set((spec.volumes ?? []).map((v) => v.name));
    for (const t of w.spec?.volumeClaimTemplates ?? []) volumes.add(t.metadata.name);
    for (const v of spec.volumes ?? []) {
      if (v.configMap && !configMaps.has(v.configMap.name)) fail(`${where}: volume ${v.name}: no ConfigMap ${v.configMap.name}`);
    }
    if (["Deployment", "StatefulSet"].includes(w.kind)) {
      const ann = w.spec.template.metadata.annotations ?? {};
      for (const key of ["checksum/config", "checksum/secrets"]) {
        if (!ann[key]) fail(`${where}: no ${key} annotation (pods would not roll when it changes)`);
      }
    }
    for (const c of spec.containers) {
      const at = `${where} container ${c.name}`;
      const mounts = (c.volumeMounts ?? []).map((m) => {
        if (!volumes.has(m.name)) fail(`${at}: mounts ${m.name}, which is no volume`);
        return m.mountPath;
      });
      const mounted = (file) => mounts.some((m) => file === m || file.startsWith(`${m}/`));
      const env = envOf(c);
      for (const [k, e] of env) {
        if (e.valueFrom?.secretKeyRef) fail(`${at}: ${k} comes from a Secret as a variable; mount it as a file`);
      }
      // $(VAR) references must name a variable defined before them.
      const defined = new Set();
      for (const e of c.env ?? []) {
        for (const m of String(e.value ?? "").matchAll(/\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g)) {
          if (!defined.has(m[1]) && !env.has(m[1])) fail(`${at}: ${e.name} refers to undefined $(${m[1]})`);
        }
        defined.add(e.name);
      }
      const binary = c.command?.[0];
      if (!binary?.startsWith("qpp-")) continue;

      const flags = flagsOf(binary);
      if (!flags) {
        fail(`${at}: binary ${binary} is not in ${binDir} (a service is enabled before its binary exists?)`);
        continue;
      }
      const given = new Map(); // flag → value
      for (const a of [...c.command.slice(1), ...(c.args ?? [])]) {
        const m = /^--([a-z0-9_]+)(?:=(.*))?$/s.exec(a);
        if (!m) { fail(`${at}: argument ${JSON.stringify(a)} is not --flag[=value]`); continue; }
        if (!flags.has(m[1])) fail(`${at}: ${binary} has no flag --${m[1]}`);
        given.set(m[1], m[2] ?? "true");
      }
      for (const [k, e] of env) {
        if (!k.startsWith("QPP_")) continue;
        const flag = k.slice(4).toLowerCase();
        if (!flags.has(flag)) fail(`${at}: ${k} is read by no flag of ${binary}`);
        if (!given.has(flag)) given.set(flag, e.value ?? "");
      }
      // Files and folders the flags name must be mounted.
      for (const [flag, value] of given) {
        if (/_(file|dir)$/.test(flag) && value.startsWith("/") && !mounted(value)) {
          fail(`${at}: --${flag}=${value} is on no mounted volume`);
        }
      }
      if (w.kind === "Job") {
        if (given.get("migrate_only") !== "true") fail(`${at}: a Job that does not run --migrate_only`);
        const hook = w.metadata.annotations?.["helm.sh/hook"] ?? "";
        if (!hook.includes("pre-install") || !hook.includes("pre-upgrade")) fail(`${where}: not a pre-install,pre-upgrade hook`);
        continue;
      }

      // Probes: startup and liveness ask for "liveness", readiness for "".
      const ports = new Map((c.ports ?? []).map((p) => [p.name, p.containerPort]));
      for (const [probe, service] of [["startupProbe", "liveness"], ["livenessProbe", "liveness"], ["readinessProbe", undefined]]) {
        const p = c[probe];
        if (!p?.grpc) { fail(`${at}: no gRPC ${probe}`); continue; }
        if ((p.grpc.service || undefined) !== service) fail(`${at}: ${probe} asks for ${JSON.stringify(p.grpc.service ?? "")}, want ${JSON.stringify(service ?? "")}`);
        if (![...ports.values()].includes(p.grpc.port)) fail(`${at}: ${probe} on port ${p.grpc.port}, which the container does not declare`);
      }
      const portOf = (address) => Number(String(address ?? "").split(":").pop());
      if (binary === "qpp-gateway") {
        if (portOf(given.get("listen_address")) !== ports.get("grpc")) fail(`${at}: gRPC listens elsewhere than its grpc port`);
        if (portOf(given.get("http_address")) !== ports.get("http")) fail(`${at}: HTTP listens elsewhere than its http port`);
        const days = Number(given.get("audit_retention_days"));
        if (!(days >= MIN_AUDIT_RETENTION_DAYS)) fail(`${at}: audit kept ${days} days, fewer than 6 months`);
        const audit = (c.volumeMounts ?? []).find((m) => m.mountPath === given.get("audit_dir"));
        const claim = (w.spec.volumeClaimTemplates ?? []).some((t) => t.metadata.name === audit?.name) ||
          (spec.volumes ?? []).some((v) => v.name === audit?.name && v.persistentVolumeClaim);
        if (!audit) fail(`${at}: the audit folder is not a volume`);
        else if (!claim && values.gateway.audit.persistence.enabled) fail(`${at}: the audit folder is not on a PersistentVolumeClaim`);
        if (w.kind !== "StatefulSet" && (w.spec.volumeClaimTemplates ?? []).length === 0 && !values.gateway.audit.persistence.existingClaim) {
          fail(`${at}: no claim per replica`);
        }
        checkBackends(at, given.get("backends") ?? "");
      } else {
        if (portOf(given.get("health_listen_address")) !== c.readinessProbe?.grpc?.port) fail(`${at}: probes do not ask the health-only port`);
        if (!String(given.get("listen_address")).startsWith("$(POD_IP):")) fail(`${at}: gRPC not bound to the pod's address`);
        for (const f of ["tls_cert_file", "tls_key_file", "tls_client_ca_file"]) {
          if (!given.get(f)) fail(`${at}: no --${f} (mTLS)`);
        }
        if (values.migrations.hook && given.get("migrate") !== "false") fail(`${at}: migrates at start-up although the hook Job does`);
      }
    }
  }

  // Services: selectors pick pods, target ports exist.
  for (const s of byKind("Service")) {
    const pods = workloads.filter((w) => w.kind !== "Job" && w.kind !== "Pod").filter((w) =>
      Object.entries(s.spec.selector ?? {}).every(([k, v]) => w.spec.template.metadata.labels?.[k] === v));
    if (pods.length !== 1) { fail(`Service/${s.metadata.name}: selects ${pods.length} workloads`); continue; }
    const names = new Set(podSpecOf(pods[0]).containers.flatMap((c) => (c.ports ?? []).map((p) => p.name)));
    for (const p of s.spec.ports) {
      if (typeof p.targetPort === "string" && !names.has(p.targetPort)) fail(`Service/${s.metadata.name}: target port ${p.targetPort} is no container port`);
    }
  }
  for (const o of [...byKind("PodDisruptionBudget"), ...byKind("HorizontalPodAutoscaler")]) {
    if (o.kind === "HorizontalPodAutoscaler" && !find(o.spec.scaleTargetRef.kind, o.spec.scaleTargetRef.name)) {
      fail(`HorizontalPodAutoscaler/${o.metadata.name}: scales a missing ${o.spec.scaleTargetRef.kind}`);
    }
  }

  // Enabled services: exactly those deployed, each with its binary, its
  // callers allowed by mTLS and by its NetworkPolicy.
  const component = (o) => o.spec.template.metadata.labels["app.kubernetes.io/component"];
  const deployments = new Map(byKind("Deployment").map((d) => [component(d), d]));
  for (const [svc, cfg] of Object.entries(values.services)) {
    const d = deployments.get(svc);
    if (!cfg.enabled) { if (d) fail(`services.${svc} is disabled but deployed`); continue; }
    if (!d) { fail(`services.${svc} is enabled but not deployed`); continue; }
    for (const callee of cfg.calls ?? []) {
      if (!values.services[callee]?.callers.includes(svc)) fail(`services.${svc} calls ${callee}, which does not accept it`);
    }
    const c = d.spec.template.spec.containers[0];
    if (c.command[0] !== cfg.binary) fail(`Deployment/${d.metadata.name}: runs ${c.command[0]}, not ${cfg.binary}`);
    const callers = envOf(c).get("QPP_ALLOWED_CALLERS")?.value ?? "";
    const want = cfg.callers.map((x) => `qpp-${x}`).sort().join(",");
    if (callers.split(",").sort().join(",") !== want) fail(`Deployment/${d.metadata.name}: allowed callers ${callers}, want ${want}`);
    if (values.networkPolicy.enabled) {
      const np = byKind("NetworkPolicy").find((p) => p.spec.podSelector.matchLabels?.["app.kubernetes.io/component"] === svc);
      const rule = np?.spec.ingress.find((r) => r.ports?.some((p) => p.port === cfg.grpcPort));
      const admitted = (rule?.from ?? []).map((f) => f.podSelector?.matchLabels?.["app.kubernetes.io/component"]).sort().join(",");
      if (!rule?.from || admitted !== [...cfg.callers].sort().join(",")) {
        fail(`NetworkPolicy of ${svc}: gRPC port admits [${admitted}], want [${[...cfg.callers].sort()}]`);
      }
    }
  }
  if (values.gateway.enabled && !byKind("StatefulSet").some((s) => component(s) === "gateway")) {
    fail("the gateway is not a StatefulSet");
  }
  for (const p of byKind("Pod")) {
    if (p.metadata.annotations?.["helm.sh/hook"] !== "test") fail(`Pod/${p.metadata.name}: a bare Pod that is no helm test hook`);
  }

  // The gateway's routes: Services of enabled services, on their gRPC
  // port, which take calls from the gateway.
  function checkBackends(at, backends) {
    const routed = new Set();
    for (const route of backends.split(",").filter(Boolean)) {
      const [grpcService, address] = route.split("=");
      const [host, port] = address.split(":");
      const s = find("Service", host);
      const p = s?.spec.ports.find((x) => x.port === Number(port));
      if (!s || p?.targetPort !== "grpc") { fail(`${at}: route ${route} reaches no service's gRPC port`); continue; }
      const svc = s.metadata.labels["app.kubernetes.io/component"];
      routed.add(svc);
      if (!values.services[svc]?.grpcServices.includes(grpcService)) fail(`${at}: ${grpcService} routed to ${svc}, which does not serve it`);
      if (!values.services[svc]?.callers.includes("gateway")) fail(`${at}: routes to ${svc}, which does not accept the gateway`);
    }
    for (const [svc, cfg] of Object.entries(values.services)) {
      if (cfg.enabled && !routed.has(svc)) fail(`${at}: no route to ${svc}`);
    }
  }
}

async function main() {
  const ajv = new Ajv({ allErrors: true, strict: false });
  const validateValues = ajv.compile(JSON.parse(fs.readFileSync(path.join(root, "helm/qpp/values.schema.json"), "utf8")));
  const checker = new FieldChecker();
  let failed = 0;

  const alerts = fs.readFileSync(path.join(root, "deploy/prometheus/alerts.yml"), "utf8");
  const chartAlerts = fs.readFileSync(path.join(root, "helm/qpp/files/alerts.yml"), "utf8");
  if (alerts !== chartAlerts) {
    console.log("FAILED helm/qpp/files/alerts.yml differs from deploy/prometheus/alerts.yml: copy it over");
    failed++;
  }

  for (const c of cases) {
    const objects = JSON.parse(fs.readFileSync(`${c}.json`, "utf8")).map((x) => x.object);
    const values = JSON.parse(fs.readFileSync(`${c}.values.json`, "utf8"));
    const problems = [];
    if (!validateValues(values)) {
      for (const e of validateValues.errors) problems.push(`values${e.instancePath.replaceAll("/", ".")}: ${e.message}${e.params?.additionalProperty ? ` (${e.params.additionalProperty})` : ""}`);
    }
    for (const o of objects) {
      for (const p of await validateObject(o, checker)) problems.push(`${o.kind}/${o.metadata?.name}: ${p}`);
    }
    checkCase(path.basename(c), objects, values, problems);
    const kinds = objects.map((o) => o.kind);
    if (problems.length) {
      failed++;
      console.log(`FAILED ${path.basename(c)}: ${problems.length} problems`);
      for (const p of problems) console.log(`  ${p}`);
    } else {
      console.log(`ok ${path.basename(c)}: ${objects.length} objects (${[...new Set(kinds)].length} kinds) valid; values, flags, probes, mTLS, policies, audit checked`);
    }
  }
  process.exit(failed ? 1 : 0);
}

await main();
