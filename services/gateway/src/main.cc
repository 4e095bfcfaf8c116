// qpp-gateway: the one public entry point of qpp (gRPC and HTTP/JSON).
// Parses flags, builds the dependencies, starts the listeners and waits
// for SIGTERM/SIGINT. See services/gateway/README.md.

#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <iostream>

#include "absl/flags/flag.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "common/config/config.h"
#include "common/metrics/metrics.h"
#include "common/server/process.h"
#include "common/server/server.h"
#include "common/status/status.h"
#include "services/gateway/src/api_keys.h"
#include "services/gateway/src/apis.h"
#include "services/gateway/src/audit_disk.h"
#include "services/gateway/src/audit_log.h"
#include "services/gateway/src/backends.h"
#include "services/gateway/src/gateway.h"
#include "services/gateway/src/gateway_metrics.h"
#include "services/gateway/src/gateway_server.h"
#include "services/gateway/src/grpc_proxy.h"
#include "services/gateway/src/http_front.h"
#include "services/gateway/src/policy.h"
#include "services/gateway/src/progress.h"
#include "services/gateway/src/rate_limiter.h"
#include "services/gateway/src/reflection.h"
#include "services/gateway/src/refusal_budget.h"
#include "services/gateway/src/transcoder.h"
#include "spdlog/spdlog.h"

ABSL_FLAG(std::string, listen_address, "127.0.0.1:9000",
          "gRPC listener (plaintext), host:port.");
ABSL_FLAG(std::string, http_address, "127.0.0.1:8080",
          "HTTP/JSON listener, host:port; empty disables it.");
ABSL_FLAG(std::string, metrics_address, "127.0.0.1:9200",
          "Prometheus /metrics listener, host:port.");
ABSL_FLAG(std::string, tls_listen_address, "",
          "gRPC listener with TLS and required client certificates (mTLS).");
ABSL_FLAG(std::string, tls_cert_file, "", "Server certificate chain (PEM).");
ABSL_FLAG(std::string, tls_key_file, "", "Server private key (PEM).");
ABSL_FLAG(std::string, tls_client_ca_file, "",
          "CA that signs client certificates (PEM).");
ABSL_FLAG(std::string, backends,
          "qpp.registry.v1.RegistryService=127.0.0.1:9101",
          "Comma-separated <package.Service>=<host:port> routes.");
ABSL_FLAG(std::string, backend_tls_ca_file, "",
          "CA of the backends' certificates (PEM); with it, calls to backends "
          "use mTLS with --backend_tls_cert_file and --backend_tls_key_file.");
ABSL_FLAG(std::string, backend_tls_cert_file, "",
          "The gateway's client certificate for backends (PEM).");
ABSL_FLAG(std::string, backend_tls_key_file, "",
          "The gateway's client key for backends (PEM).");
ABSL_FLAG(std::string, api_keys_file, "",
          "Keys file (salted hashes only); else the env QPP_API_KEYS holds "
          "its content.");
ABSL_FLAG(std::string, policy_file, "", "Authorisation policy (JSON).");
ABSL_FLAG(std::string, audit_dir, "audit",
          "Directory of the daily audit files.");
ABSL_FLAG(int, audit_retention_days, 180, "Days of audit files kept.");
ABSL_FLAG(int, default_deadline_ms, 10000,
          "Deadline of calls that set none, milliseconds.");
ABSL_FLAG(int, max_deadline_ms, 60000, "Upper bound of any deadline, ms.");
ABSL_FLAG(int, drain_seconds, 20,
          "On SIGTERM: grace period for in-flight gRPC calls, seconds.");
ABSL_FLAG(int, lame_duck_ms, 1000,
          "On SIGTERM, first: how long new calls are refused with "
          "UNAVAILABLE (and health says NOT_SERVING) while admitted ones "
          "finish, before the listeners close.");
ABSL_FLAG(int, max_message_bytes, 4 * 1024 * 1024,
          "Largest gRPC message, either direction.");
ABSL_FLAG(int, max_http_body_bytes, 1024 * 1024, "Largest HTTP request body.");
ABSL_FLAG(int, http_threads, 2,
          "HTTP event-loop threads; connections do not hold threads.");
ABSL_FLAG(int, http_max_connections, 10000,
          "Open HTTP connections at most (also held below the descriptor "
          "limit).");
ABSL_FLAG(int, http_max_connections_per_address, 256,
          "Open HTTP connections at most per client address (IPv6: per "
          "/64); 0: no cap.");
ABSL_FLAG(int, http_header_timeout_ms, 10000,
          "Time for a client to send a request header, ms.");
ABSL_FLAG(int, http_idle_timeout_ms, 30000,
          "Time a keep-alive HTTP connection may idle between requests, ms.");
ABSL_FLAG(int, http_body_timeout_ms, 30000,
          "Time for a client to send a request body, ms.");
ABSL_FLAG(int, refused_calls_burst, 100,
          "Refused calls (401, 403, malformed) a client address may make at "
          "once before all its calls get 429; 0 disables.");
ABSL_FLAG(double, refused_calls_per_second, 1,
          "Refused calls a client address regains per second.");
ABSL_FLAG(int, refused_audit_lines_per_address, 60,
          "Refused calls audited one line each per address and window; the "
          "rest in one aggregate line.");
ABSL_FLAG(int, refused_audit_lines_total, 1000,
          "The same over all addresses together.");
ABSL_FLAG(int, refused_audit_window_ms, 60000,
          "Window of the refused-call audit allowance, ms.");
ABSL_FLAG(std::string, openapi_file, "",
          "OpenAPI document to serve; default: qpp-gateway.openapi.json next "
          "to the binary.");
ABSL_FLAG(int, plan_start_year, 2013, "First year of the promotion plan.");
ABSL_FLAG(int64_t, target_benchmarks, 10, "Goal: industry quality benchmarks.");
ABSL_FLAG(int64_t, target_improved, 100, "Goal: improved enterprises.");
ABSL_FLAG(int64_t, target_introduced, 1000,
          "Goal: enterprises that introduced the model.");
ABSL_FLAG(int64_t, target_trained, 10000, "Goal: people trained.");
ABSL_FLAG(int64_t, target_key_enterprises_year1, 30,
          "Phase goal: key enterprises running the model by end of year 1.");
ABSL_FLAG(int64_t, target_key_enterprises_year2, 60,
          "Phase goal: key enterprises running the model by end of year 2.");
ABSL_FLAG(std::string, generate_key, "",
          "Print a new API key for this client id and its keys-file line, "
          "then exit.");
ABSL_FLAG(bool, hash_key, false,
          "Read a key from stdin, print its keys-file line, then exit.");

namespace qpp::gateway {
namespace {

std::string DefaultOpenApiPath() {
  char buf[4096];
  const ssize_t n = readlink("/proc/self/exe", buf, sizeof(buf) - 1);
  if (n <= 0) return "";
  std::string exe(buf, n);
  return exe + ".openapi.json";
}

struct Credentials {
  std::shared_ptr<const ApiKeyStore> keys;
  std::shared_ptr<const Policy> policy;
};

// The keys file (or QPP_API_KEYS) and the policy file, parsed.
absl::StatusOr<Credentials> LoadCredentials() {
  QPP_ASSIGN_OR_RETURN(
      std::string keys_text,
      config::ReadSecret("QPP_API_KEYS", absl::GetFlag(FLAGS_api_keys_file)));
  QPP_ASSIGN_OR_RETURN(ApiKeyStore keys, ApiKeyStore::Parse(keys_text));
  if (keys.size() == 0) spdlog::warn("no API keys configured");
  if (absl::GetFlag(FLAGS_policy_file).empty()) {
    return absl::FailedPreconditionError("--policy_file is required");
  }
  QPP_ASSIGN_OR_RETURN(std::string policy_text,
                       config::ReadFile(absl::GetFlag(FLAGS_policy_file)));
  QPP_ASSIGN_OR_RETURN(Policy policy, Policy::FromJson(policy_text));
  return Credentials{std::make_shared<const ApiKeyStore>(std::move(keys)),
                     std::make_shared<const Policy>(std::move(policy))};
}

// --generate_key and --hash_key: print a keys-file entry and exit.
absl::Status PrintKey() {
  if (const std::string id = absl::GetFlag(FLAGS_generate_key); !id.empty()) {
    QPP_ASSIGN_OR_RETURN(GeneratedKey key, GenerateKey(id));
    std::cout << "key: " << key.key << "\nentry: " << key.entry << "\n";
    return absl::OkStatus();
  }
  std::string key;
  std::getline(std::cin, key);
  QPP_ASSIGN_OR_RETURN(std::string entry, MakeKeyEntry(key));
  std::cout << entry << "\n";
  return absl::OkStatus();
}

absl::Status Run() {
  if (!absl::GetFlag(FLAGS_generate_key).empty() ||
      absl::GetFlag(FLAGS_hash_key)) {
    return PrintKey();
  }
  QPP_ASSIGN_OR_RETURN(server::ProcessMetrics process_metrics,
                       server::StartProcessMetrics(
                           "gateway", absl::GetFlag(FLAGS_metrics_address)));
  prometheus::Registry& registry = *process_metrics.registry;
  GatewayMetrics metrics(registry);

  QPP_ASSIGN_OR_RETURN(Credentials creds, LoadCredentials());

  BackendOptions backend_options;
  backend_options.max_message_bytes = absl::GetFlag(FLAGS_max_message_bytes);
  backend_options.tls_ca_file = absl::GetFlag(FLAGS_backend_tls_ca_file);
  backend_options.tls_cert_file = absl::GetFlag(FLAGS_backend_tls_cert_file);
  backend_options.tls_key_file = absl::GetFlag(FLAGS_backend_tls_key_file);
  QPP_ASSIGN_OR_RETURN(auto backends,
                       BackendSet::Create(absl::GetFlag(FLAGS_backends),
                                          backend_options, &metrics));
  ProgressPlan plan;
  plan.start_year = absl::GetFlag(FLAGS_plan_start_year);
  plan.benchmarks = absl::GetFlag(FLAGS_target_benchmarks);
  plan.improved = absl::GetFlag(FLAGS_target_improved);
  plan.introduced = absl::GetFlag(FLAGS_target_introduced);
  plan.trained = absl::GetFlag(FLAGS_target_trained);
  plan.key_enterprises_year1 =
      absl::GetFlag(FLAGS_target_key_enterprises_year1);
  plan.key_enterprises_year2 =
      absl::GetFlag(FLAGS_target_key_enterprises_year2);
  ProgressUpstream progress(plan, backends.get());
  QPP_RETURN_IF_ERROR(backends->AddLocal(kProgressService, &progress));
  // Server reflection for callers with a key, from the compiled-in APIs.
  QPP_ASSIGN_OR_RETURN(std::unique_ptr<ReflectionUpstream> reflection,
                       ReflectionUpstream::Start(KnownServices()));
  QPP_RETURN_IF_ERROR(backends->AddLocal(kReflectionService, reflection.get()));

  FileAuditLog audit(absl::GetFlag(FLAGS_audit_dir),
                     absl::GetFlag(FLAGS_audit_retention_days),
                     &metrics.audit_write_failures);
  QPP_RETURN_IF_ERROR(audit.Open());
  AuditDiskMonitor audit_disk(absl::GetFlag(FLAGS_audit_dir),
                              &metrics.audit_disk_free_bytes,
                              &metrics.audit_disk_size_bytes);
  audit_disk.Start();
  RateLimiter limiter;
  RefusalBudgetOptions refusal_options;
  refusal_options.burst = absl::GetFlag(FLAGS_refused_calls_burst);
  refusal_options.refill_per_second =
      absl::GetFlag(FLAGS_refused_calls_per_second);
  refusal_options.audit_lines_per_address =
      absl::GetFlag(FLAGS_refused_audit_lines_per_address);
  refusal_options.audit_lines_total =
      absl::GetFlag(FLAGS_refused_audit_lines_total);
  refusal_options.window =
      absl::Milliseconds(absl::GetFlag(FLAGS_refused_audit_window_ms));
  RefusalBudget refusals(refusal_options, &audit, &metrics);
  refusals.Start();

  GatewayOptions options;
  options.default_deadline =
      absl::Milliseconds(absl::GetFlag(FLAGS_default_deadline_ms));
  options.max_deadline =
      absl::Milliseconds(absl::GetFlag(FLAGS_max_deadline_ms));
  options.public_methods = PublicMethods();
  Gateway gateway(options, creds.keys.get(), creds.policy.get(), &limiter,
                  &audit, backends.get(), &metrics);
  gateway.SetRefusalBudget(&refusals);
  Transcoder transcoder;
  for (const auto* service : KnownServices()) {
    gateway.AddKnownService(service);
    QPP_RETURN_IF_ERROR(transcoder.AddService(service));
  }

  GrpcProxy proxy(&gateway);
  GatewayServerOptions server_options;
  server_options.listen_address = absl::GetFlag(FLAGS_listen_address);
  server_options.tls_listen_address = absl::GetFlag(FLAGS_tls_listen_address);
  server_options.tls.tls_cert_file = absl::GetFlag(FLAGS_tls_cert_file);
  server_options.tls.tls_key_file = absl::GetFlag(FLAGS_tls_key_file);
  server_options.tls.tls_client_ca_file =
      absl::GetFlag(FLAGS_tls_client_ca_file);
  server_options.max_message_bytes = absl::GetFlag(FLAGS_max_message_bytes);
  server_options.drain_timeout =
      absl::Seconds(std::max(0, absl::GetFlag(FLAGS_drain_seconds)));
  GatewayServer server(server_options, &proxy, backends.get());
  QPP_RETURN_IF_ERROR(server.Start());

  std::unique_ptr<HttpFront> http;
  if (!absl::GetFlag(FLAGS_http_address).empty()) {
    HttpOptions http_options;
    http_options.address = absl::GetFlag(FLAGS_http_address);
    http_options.threads = absl::GetFlag(FLAGS_http_threads);
    http_options.max_body_bytes = absl::GetFlag(FLAGS_max_http_body_bytes);
    http_options.max_connections = absl::GetFlag(FLAGS_http_max_connections);
    http_options.max_connections_per_address =
        absl::GetFlag(FLAGS_http_max_connections_per_address);
    http_options.header_timeout =
        absl::Milliseconds(absl::GetFlag(FLAGS_http_header_timeout_ms));
    http_options.idle_timeout =
        absl::Milliseconds(absl::GetFlag(FLAGS_http_idle_timeout_ms));
    http_options.body_timeout =
        absl::Milliseconds(absl::GetFlag(FLAGS_http_body_timeout_ms));
    http_options.serving = [&server] { return server.serving(); };
    std::string openapi_path = absl::GetFlag(FLAGS_openapi_file);
    if (openapi_path.empty()) openapi_path = DefaultOpenApiPath();
    auto openapi = config::ReadFile(openapi_path);
    if (openapi.ok()) {
      http_options.openapi_json = *std::move(openapi);
    } else {
      spdlog::warn("no OpenAPI document at {}", openapi_path);
    }
    http = std::make_unique<HttpFront>(&gateway, &transcoder, http_options);
    QPP_RETURN_IF_ERROR(http->Start());
  }

  // SIGHUP re-reads the keys file and the policy (e.g. to revoke a key);
  // a file that does not parse leaves the running ones in place.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGHUP);
  int signal = 0;
  while (sigwait(&signals, &signal) == 0 && signal == SIGHUP) {
    auto fresh = LoadCredentials();
    if (!fresh.ok()) {
      spdlog::error("reload refused, keeping the current keys and policy: {}",
                    std::string(fresh.status().message()));
      continue;
    }
    spdlog::info("reloaded {} API keys and the policy", fresh->keys->size());
    gateway.Reload(fresh->keys, fresh->policy);
  }
  spdlog::info("signal {}: shutting down", signal);
  // Refuse new calls explicitly (UNAVAILABLE, which clients retry) before
  // closing the listeners: a call that reaches a gRPC server while it shuts
  // down is answered CANCELLED, which clients do not retry.
  const absl::Duration lame_duck =
      absl::Milliseconds(std::max(0, absl::GetFlag(FLAGS_lame_duck_ms)));
  gateway.BeginDrain(lame_duck);
  server.BeginDrain();
  absl::SleepFor(lame_duck);
  if (http != nullptr) http->Stop();
  server.Shutdown();
  return absl::OkStatus();
}

}  // namespace
}  // namespace qpp::gateway

int main(int argc, char** argv) {
  // SIGHUP reloads credentials (see Run); it is blocked in every thread too.
  return qpp::server::RunProcess(
      argc, argv,
      {"gateway", "authenticated gRPC and HTTP/JSON entry point of qpp."},
      qpp::gateway::Run, {SIGHUP});
}
