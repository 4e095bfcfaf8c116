#!/usr/bin/python3
"""Smoke test of the chart's rendered configuration with the real binaries.

Renders helm/qpp (tests/chart/render) with its default values and runs
what the objects describe, one replica each, on this machine: the
migration hook Job, then every Deployment and the gateway's StatefulSet,
each container with exactly the rendered command, args, environment
(ConfigMaps and env) and mounted files (Secrets, ConfigMaps, claims), with
addresses mapped to free loopback ports, Service names to those ports and
the database settings to the test MariaDB. Secrets are made for the run:
certificates from deploy/local/certs.sh, a data keyring, an API key.

Then it checks what an operator would: readiness and liveness on the
probes' ports, one call through the gateway with the API key (and none
without), a key added to the mounted keys file taking effect on SIGHUP,
/metrics of every process (and the Grafana dashboard's and the alert
rules' metric names against those scrapes, tests/chart/check_dashboard.py),
the audit line of the call in the gateway's audit claim, and a clean
shutdown on SIGTERM.

Needs QPP_TEST_DB_HOST, QPP_TEST_DB_PORT, QPP_TEST_DB_USER and
QPP_TEST_DB_PASSWORD (tests/run.sh sets them); without them it skips
(exit 77) unless QPP_TEST_REQUIRE_DB=1.

Usage: tests/chart/smoke_test.py [--bin-dir DIR] [--work DIR] [--keep]
"""

import argparse
import datetime
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
HEALTH = os.path.join(ROOT, "deploy", "local", "grpc_health.py")
# Debian's Python, which has python3-grpcio (as deploy/local/run.sh uses).
DEBIAN_PYTHON = "/usr/bin/python3"
SKIP = 77

passed = 0
failed = 0


def check(name, ok, detail=""):
    global passed, failed
    if ok:
        passed += 1
        print("ok: %s" % name)
    else:
        failed += 1
        print("FAILED: %s%s" % (name, (": " + detail) if detail else ""))
    sys.stdout.flush()
    return ok


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http_get(url, headers=None, timeout=10):
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as r:
            return r.status, r.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode("utf-8", "replace")
    except OSError as e:
        return 0, str(e)


def health(address, service="", wait=0, pid=0):
    args = [DEBIAN_PYTHON, HEALTH, address, "--service", service,
            "--wait", str(wait)]
    if pid:
        args += ["--pid", str(pid)]
    r = subprocess.run(args, capture_output=True, text=True, timeout=wait + 30)
    return (r.stdout + r.stderr).strip()


class Cluster:
    """The rendered objects, run as local processes."""

    def __init__(self, objects, work, bin_dir, db):
        self.objects = objects
        self.work = work
        self.bin_dir = bin_dir
        self.db = db
        self.ports = {}      # (component, container port) → local port
        self.secrets = {}    # Secret name → {key: content}
        self.processes = []  # (name, Popen, log path)
        self.config_maps = {o["metadata"]["name"]: o.get("data", {})
                            for o in objects if o["kind"] == "ConfigMap"}
        self.schemas = set()

    def of_kind(self, *kinds):
        return [o for o in self.objects if o["kind"] in kinds]

    @staticmethod
    def component(o):
        labels = (o.get("spec", {}).get("template", {}).get("metadata", {})
                  .get("labels") or o["metadata"].get("labels", {}))
        return labels.get("app.kubernetes.io/component", "")

    def local_port(self, component, port):
        key = (component, int(port))
        if key not in self.ports:
            self.ports[key] = free_port()
        return self.ports[key]

    def service_address(self, host, port):
        """Where a Service's port leads: the selected pod's mapped port."""
        for s in self.of_kind("Service"):
            if s["metadata"]["name"] != host:
                continue
            for p in s["spec"]["ports"]:
                if p["port"] != int(port):
                    continue
                for w in self.of_kind("Deployment", "StatefulSet"):
                    labels = w["spec"]["template"]["metadata"]["labels"]
                    if all(labels.get(k) == v
                           for k, v in s["spec"]["selector"].items()):
                        for c in w["spec"]["template"]["spec"]["containers"]:
                            for cp in c.get("ports", []):
                                if cp["name"] == p["targetPort"]:
                                    return "127.0.0.1:%d" % self.local_port(
                                        self.component(w), cp["containerPort"])
        return None

    def map_value(self, component, value, mounts):
        """A rendered value as it must read on this machine."""
        flag = re.match(r"(--\w+=)(.*)$", value, re.S)
        if flag:
            return flag.group(1) + self.map_value(component, flag.group(2),
                                                  mounts)

        def address(m):
            host, port = m.group(1), m.group(2)
            if host in ("0.0.0.0", "$(POD_IP)", "127.0.0.1"):
                return "127.0.0.1:%d" % self.local_port(component, port)
            return self.service_address(host, port) or m.group(0)
        value = re.sub(r"(\$\(POD_IP\)|[A-Za-z0-9.-]+):(\d{2,5})\b",
                       address, value)
        for mount_path, local in sorted(mounts.items(), key=lambda x: -len(x[0])):
            if value == mount_path or value.startswith(mount_path + "/"):
                return local + value[len(mount_path):]
        return value

    def volume_dir(self, pod, workload, volume_name, component):
        """A local folder holding what the volume would."""
        spec = (workload["spec"]["template"]["spec"]
                if workload["kind"] != "Pod" else workload["spec"])
        path = os.path.join(self.work, "volumes", pod, volume_name)
        if os.path.isdir(path):
            return path
        os.makedirs(path)
        volume = next((v for v in spec.get("volumes", [])
                       if v["name"] == volume_name), None)
        if volume is None:  # a claim from volumeClaimTemplates
            return path
        if "secret" in volume or "configMap" in volume:
            source = volume.get("secret") or volume.get("configMap")
            name = source.get("secretName") or source.get("name")
            data = (self.secret(name, component) if "secret" in volume
                    else self.config_maps[name])
            items = source.get("items") or [{"key": k, "path": k} for k in data]
            for item in items:
                with open(os.path.join(path, item["path"]), "w") as f:
                    f.write(data[item["key"]])
        return path

    def secret(self, name, component):
        if name not in self.secrets:
            raise KeyError("no Secret %s for %s" % (name, component))
        return self.secrets[name]

    def container_command(self, workload, container, pod):
        component = self.component(workload)
        spec = (workload["spec"]["template"]["spec"]
                if workload["kind"] != "Pod" else workload["spec"])
        mounts = {m["mountPath"]: os.path.join(
            self.volume_dir(pod, workload, m["name"], component),
            m.get("subPathExpr", "").replace("$(POD_NAME)", pod))
            for m in container.get("volumeMounts", [])}
        for local in mounts.values():
            os.makedirs(local, exist_ok=True)
        env = {}
        for source in container.get("envFrom", []):
            env.update(self.config_maps[source["configMapRef"]["name"]])
        for e in container.get("env", []):
            if "value" in e:
                value = e["value"]
            else:
                field = e["valueFrom"]["fieldRef"]["fieldPath"]
                value = {"status.podIP": "127.0.0.1",
                         "metadata.name": pod}[field]
            env[e["name"]] = re.sub(r"\$\((\w+)\)",
                                    lambda m: env.get(m.group(1), m.group(0)),
                                    value)
        env = {k: self.map_value(component, v, mounts) for k, v in env.items()}
        # The database: the test server, a schema of this run's own.
        if "QPP_DB_HOST" in env:
            env["QPP_DB_HOST"] = self.db["host"]
            env["QPP_DB_PORT"] = self.db["port"]
            env["QPP_DB_USER"] = self.db["user"]
            env["QPP_DB_NAME"] = "qpp_test_chart_%s_%d" % (
                env["QPP_DB_NAME"].replace("qpp_", ""), os.getpid())
            self.schemas.add(env["QPP_DB_NAME"])
        argv = container["command"] + container.get("args", [])
        argv = [self.map_value(component, a, mounts) for a in argv]
        argv[0] = os.path.join(self.bin_dir, argv[0])
        return argv, env, spec

    def start(self, workload, pod, wait=False):
        container = (workload["spec"]["template"]["spec"]["containers"][0]
                     if workload["kind"] != "Pod"
                     else workload["spec"]["containers"][0])
        argv, env, _ = self.container_command(workload, container, pod)
        log = os.path.join(self.work, "%s.log" % pod)
        base = {k: v for k, v in os.environ.items()
                if not k.startswith("QPP_")}
        with open(log, "ab") as out:
            process = subprocess.Popen(argv, env={**base, **env}, cwd=self.work,
                                       stdin=subprocess.DEVNULL, stdout=out,
                                       stderr=subprocess.STDOUT)
        if wait:
            status = process.wait(timeout=300)
            return status, log
        self.processes.append((pod, process, log))
        return process, log

    def stop_all(self):
        statuses = {}
        for pod, process, _ in reversed(self.processes):
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
                try:
                    process.wait(timeout=40)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
            statuses[pod] = process.returncode
        return statuses


def tail(path, n=30):
    try:
        with open(path, errors="replace") as f:
            return "".join(f.readlines()[-n:])
    except OSError:
        return ""


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bin-dir", default=os.environ.get(
        "QPP_TEST_BIN_DIR", os.path.join(ROOT, "build", "bin")))
    parser.add_argument("--work", default="")
    parser.add_argument("--keep", action="store_true",
                        help="keep the work folder")
    args = parser.parse_args()

    db = {k: os.environ.get("QPP_TEST_DB_" + k.upper(), "")
          for k in ("host", "port", "user", "password")}
    if not db["host"]:
        print("no test database (QPP_TEST_DB_*): run through tests/run.sh")
        return 1 if os.environ.get("QPP_TEST_REQUIRE_DB") == "1" else SKIP

    work = args.work or tempfile.mkdtemp(prefix="qpp-chart-smoke.")
    # A fresh folder: nothing of an earlier run (secrets, logs) is reused.
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    bin_dir = os.path.abspath(args.bin_dir)

    # The render: default values, a release named "smoke".
    render_dir = os.path.join(work, "render")
    subprocess.run(["bash", os.path.join(ROOT, "tests/chart/build-render.sh"),
                    render_dir], check=True)
    rendered = os.path.join(work, "objects.json")
    subprocess.run([os.path.join(render_dir, "render"), "-chart",
                    os.path.join(ROOT, "helm/qpp"), "-release", "smoke",
                    "-o", os.path.join(work, "objects.yaml"),
                    "-json", rendered], check=True, cwd=ROOT)
    with open(rendered) as f:
        objects = [x["object"] for x in json.load(f)]
    cluster = Cluster(objects, work, bin_dir, db)
    print("rendered: " + ", ".join("%s/%s" % (o["kind"], o["metadata"]["name"])
                                   for o in objects))

    # Secrets of the run, under the names the objects mount.
    components = sorted({cluster.component(o) for o in cluster.of_kind(
        "Deployment", "StatefulSet")})
    tls_dir = os.path.join(work, "certs")
    subprocess.run(["bash", os.path.join(ROOT, "deploy/local/certs.sh"),
                    tls_dir] + components, check=True)
    key_out = subprocess.run([os.path.join(bin_dir, "qpp-gateway"),
                              "--generate_key=programme-office"],
                             capture_output=True, text=True, check=True).stdout
    api_key = re.search(r"^key: (.*)$", key_out, re.M).group(1)
    api_entry = re.search(r"^entry: (.*)$", key_out, re.M).group(1)
    keyring = "1:" + __import__("base64").b64encode(os.urandom(32)).decode()
    for w in cluster.of_kind("Deployment", "StatefulSet", "Job"):
        component = cluster.component(w)
        for v in w["spec"]["template"]["spec"].get("volumes", []):
            if "secret" not in v:
                continue
            name = v["secret"]["secretName"]
            keys = [i["key"] for i in v["secret"].get("items", [])]
            if v["name"] == "tls":
                with open(os.path.join(tls_dir, "ca.crt")) as ca, \
                        open(os.path.join(tls_dir, component + ".crt")) as crt, \
                        open(os.path.join(tls_dir, component + ".key")) as key:
                    data = {"ca.crt": ca.read(), "tls.crt": crt.read(),
                            "tls.key": key.read()}
            elif v["name"] == "db-password":
                data = {keys[0]: db["password"]}
            elif v["name"] == "data-keyring":
                data = {keys[0]: keyring}
            elif v["name"] == "api-keys":
                data = {keys[0]: api_entry + "\n"}
            else:
                raise KeyError("unknown Secret volume " + v["name"])
            cluster.secrets[name] = data

    try:
        run(cluster, api_key)
    finally:
        statuses = cluster.stop_all()
        for pod, status in statuses.items():
            check("%s stops cleanly on SIGTERM" % pod, status == 0,
                  "exit status %s\n%s" % (status, tail(
                      os.path.join(work, pod + ".log"))))
        if cluster.schemas:
            subprocess.run(
                ["mariadb", "-h", db["host"], "-P", db["port"], "-u", db["user"],
                 "-e", ";".join("DROP DATABASE IF EXISTS `%s`" % s
                                for s in cluster.schemas)],
                env={**os.environ, "MYSQL_PWD": db["password"]}, check=False)
        if not args.keep and not failed:
            shutil.rmtree(work, ignore_errors=True)
        elif failed:
            print("work folder kept: " + work)

    print("chart smoke test: %d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


def run(cluster, api_key):
    # 1. The pre-install hook: migrations, to completion.
    for job in cluster.of_kind("Job"):
        status, log = cluster.start(job, job["metadata"]["name"], wait=True)
        if not check("hook %s migrates" % job["metadata"]["name"], status == 0,
                     tail(log)):
            return

    # 2. The services, then the gateway; one replica each.
    pods = {}
    for w in cluster.of_kind("Deployment") + cluster.of_kind("StatefulSet"):
        pod = w["metadata"]["name"] + ("-0" if w["kind"] == "StatefulSet"
                                       else "-1")
        process, log = cluster.start(w, pod)
        pods[cluster.component(w)] = (w, pod, process, log)
        container = w["spec"]["template"]["spec"]["containers"][0]
        component = cluster.component(w)
        ready = container["readinessProbe"]["grpc"]
        live = container["livenessProbe"]["grpc"]
        ready_at = "127.0.0.1:%d" % cluster.local_port(component, ready["port"])
        live_at = "127.0.0.1:%d" % cluster.local_port(component, live["port"])
        status = health(ready_at, ready.get("service", ""), 90, process.pid)
        if not check("%s readiness probe: SERVING" % pod, status == "SERVING",
                     status + "\n" + tail(log)):
            return
        status = health(live_at, live.get("service", ""))
        check("%s liveness probe (%s): SERVING" % (pod, live.get("service")),
              status == "SERVING", status)
        status = health(ready_at, "no.such.Service")
        check("%s: an unknown health name is not SERVING" % pod,
              status != "SERVING", status)

    # `helm test`: the chart's test pod, its script run as rendered, with
    # the image's qpp-grpc-health (deploy/local/grpc_health.py) on PATH.
    tools = os.path.join(cluster.work, "image-bin")
    os.makedirs(tools, exist_ok=True)
    os.symlink(HEALTH, os.path.join(tools, "qpp-grpc-health"))
    for pod in cluster.of_kind("Pod"):
        argv, env, _ = cluster.container_command(
            pod, pod["spec"]["containers"][0], pod["metadata"]["name"])
        r = subprocess.run(argv, capture_output=True, text=True, timeout=180,
                           env={**os.environ, **env,
                                "PATH": tools + ":/usr/bin:/bin"})
        check("helm test %s passes" % pod["metadata"]["name"],
              r.returncode == 0, r.stdout + r.stderr)

    gw, gw_pod, gw_process, gw_log = pods["gateway"]
    ports = {p["name"]: p["containerPort"]
             for p in gw["spec"]["template"]["spec"]["containers"][0]["ports"]}
    http = "http://127.0.0.1:%d" % cluster.local_port("gateway", ports["http"])

    # 3. One call through the gateway, with the key and without.
    status, body = http_get(http + "/v1/organizations?page_size=5",
                            {"x-api-key": api_key})
    check("GET /v1/organizations through the gateway with the API key: 200",
          status == 200 and body.lstrip().startswith("{"),
          "%s %s" % (status, body[:300]))
    status, body = http_get(http + "/v1/organizations")
    check("the same call without a key is refused (401)", status == 401,
          "%s %s" % (status, body[:200]))
    status, body = http_get(http + "/healthz")
    check("gateway /healthz: 200", status == 200, "%s %s" % (status, body))

    # 4. Key rotation: the mounted keys file replaced (as the kubelet does
    # when the Secret changes) and SIGHUP (as the reload container sends):
    # the new key works, the old one no longer does.
    new_key_out = subprocess.run(
        [os.path.join(cluster.bin_dir, "qpp-gateway"),
         "--generate_key=programme-office"],
        capture_output=True, text=True, check=True).stdout
    new_key = re.search(r"^key: (.*)$", new_key_out, re.M).group(1)
    new_entry = re.search(r"^entry: (.*)$", new_key_out, re.M).group(1)
    keys_file = next(a.split("=", 1)[1] for a in gw_process.args
                     if a.startswith("--api_keys_file="))
    with open(keys_file + ".new", "w") as f:
        f.write(new_entry + "\n")
    os.replace(keys_file + ".new", keys_file)
    gw_process.send_signal(signal.SIGHUP)
    deadline = time.monotonic() + 10
    while True:
        status, _ = http_get(http + "/v1/organizations?page_size=1",
                             {"x-api-key": new_key})
        if status == 200 or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    check("key rotation: the new key in the mounted file works after SIGHUP",
          status == 200, str(status))
    status, _ = http_get(http + "/v1/organizations?page_size=1",
                         {"x-api-key": api_key})
    check("key rotation: the replaced key is refused (401)", status == 401,
          str(status))

    # 4b. The reload container's script, as rendered, in a PID namespace
    # of its own (as the pod's shared one), against a stand-in process
    # named qpp-gateway that records the SIGHUP.
    reload_container(cluster, gw)

    # 5. Metrics of every process; the dashboard's and alerts' metrics.
    scrapes = []
    for component, (w, pod, _, _) in sorted(pods.items()):
        container = w["spec"]["template"]["spec"]["containers"][0]
        port = next(p["containerPort"] for p in container["ports"]
                    if p["name"] == "metrics")
        status, text = http_get("http://127.0.0.1:%d/metrics" %
                                cluster.local_port(component, port))
        check("%s /metrics answers with qpp_build_info" % pod,
              status == 200 and "qpp_build_info" in text, str(status))
        scrape = os.path.join(cluster.work, "%s.metrics" % component)
        with open(scrape, "w") as f:
            f.write(text)
        scrapes.append(scrape)
    r = subprocess.run([sys.executable,
                        os.path.join(ROOT, "tests/chart/check_dashboard.py"),
                        os.path.join(ROOT, "deploy/grafana/qpp-dashboard.json"),
                        "--rules", os.path.join(ROOT, "deploy/prometheus/alerts.yml")]
                       + scrapes, capture_output=True, text=True)
    check("dashboard and alert rules use only scraped metrics",
          r.returncode == 0, r.stdout + r.stderr)
    print(r.stdout.strip())

    # 6. The audit line of the call, in the gateway's audit claim.
    audit_dir = next(a.split("=", 1)[1] for a in gw_process.args
                     if a.startswith("--audit_dir="))
    day = datetime.datetime.utcnow().strftime("%Y-%m-%d")
    audit_file = os.path.join(audit_dir, "audit-%s.jsonl" % day)
    lines = []
    if os.path.exists(audit_file):
        with open(audit_file) as f:
            lines = [json.loads(line) for line in f if line.strip()]
    calls = [x for x in lines if x.get("principal") == "programme-office"
             and "ListOrganizations" in x.get("method", "")]
    check("the audit claim holds the call's line (principal, method, code)",
          bool(calls) and calls[0].get("code") in (0, "OK"),
          "%s: %s" % (audit_file, lines[-3:]))
    check("the audit folder is the StatefulSet's claim, not an emptyDir",
          any(t["metadata"]["name"] == "audit"
              for t in gw["spec"].get("volumeClaimTemplates", [])))


def reload_container(cluster, gateway):
    containers = gateway["spec"]["template"]["spec"]["containers"]
    reload = next((c for c in containers if c["name"] == "api-keys-reload"), None)
    if reload is None:
        return
    keys_mount = next(m["mountPath"] for m in reload["volumeMounts"])
    base = os.path.join(cluster.work, "reload")
    os.makedirs(os.path.join(base, "bin"))
    os.makedirs(os.path.join(base, "keys"))
    keys, hups = os.path.join(base, "keys"), os.path.join(base, "hups")
    with open(os.path.join(keys, "api_keys"), "w") as f:
        f.write("old\n")
    stand_in = os.path.join(base, "bin", "qpp-gateway")
    with open(stand_in, "w") as f:
        f.write("#!/bin/bash\ntrap 'echo HUP >> %s' HUP\n"
                "while :; do sleep 0.2; done\n" % hups)
    os.chmod(stand_in, 0o755)
    script = reload["args"][0].replace(keys_mount, keys)
    script = re.sub(r"while sleep \d+;", "while sleep 1;", script)
    with open(os.path.join(base, "reload.sh"), "w") as f:
        f.write(script)
    driver = ("%s & sh %s/reload.sh & sleep 2.5; echo new > %s/api_keys; "
              "sleep 2.5; kill %%1 %%2" % (stand_in, base, keys))
    try:
        r = subprocess.run(["unshare", "--pid", "--fork", "--mount-proc",
                            "bash", "-c", driver], capture_output=True,
                           text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as e:
        r = None
        print("skipped: the reload container's script (%s)" % e)
    if r is not None and r.returncode != 0 and not os.path.exists(hups):
        print("skipped: the reload container's script needs unshare "
              "(root): %s" % r.stderr.strip())
        return
    if r is not None:
        check("the api-keys-reload container's script sends SIGHUP when "
              "the keys file changes", os.path.exists(hups), r.stderr)


if __name__ == "__main__":
    sys.exit(main())
