#pragma once

// The system under fault: a MariaDB of its own (durable settings, so that a
// killed server keeps what it acknowledged), the real qpp-registry,
// qpp-training and qpp-demobase (which both call the registry),
// qpp-cultivation (which calls all three and also serves funding) and
// qpp-gateway in front of them, on fixed loopback ports, each of which a test
// may kill, pause, stop and start again while load runs. The gateway knows
// two principals: the programme office (api_key()) and the funding system
// (funding_api_key()), each with the rights of its role in
// deploy/gateway/policy.json that the load uses, and no rate limit that the
// load could reach.

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "common/db/db.h"
#include "common/testing/process.h"

namespace qpp::fault {

class FaultSystem final {
 public:
  // Starts the database, the registry, training, demobase, cultivation and
  // the gateway under `dir` (created; logs stay there). Fails if any does
  // not come up.
  static absl::StatusOr<std::unique_ptr<FaultSystem>> Start(
      const std::string& dir);
  ~FaultSystem();

  // The registry.
  absl::Status StartRegistry();
  testing::ChildProcess& registry() { return *registry_; }
  // Training.
  absl::Status StartTraining();
  testing::ChildProcess& training() { return *training_; }
  // Demobase (any number of bases a year, so that every case designates
  // one of its own).
  absl::Status StartDemobase();
  testing::ChildProcess& demobase() { return *demobase_; }
  // Cultivation, which also serves qpp.funding.v1.FundingService.
  absl::Status StartCultivation();
  testing::ChildProcess& cultivation() { return *cultivation_; }
  // The gateway.
  absl::Status StartGateway();
  testing::ChildProcess& gateway() { return *gateway_; }
  // Starts again the database if it does not answer, and each of the
  // registry, training, demobase, cultivation and the gateway that is not
  // running (a case that failed half-way may have left one down); the first
  // error.
  absl::Status RestartStopped();
  // The database: kill -9 (or another signal) of mariadbd, a clean stop, a
  // start on the same port and data.
  void SignalDatabase(int sig);
  // Waits up to `timeout` until the database's process has exited (or is a
  // zombie, which holds nothing): a kill -9 takes a while to land on a
  // loaded machine, and mariadb.sh refuses to start beside a live one.
  // False if it is still there.
  bool WaitDatabaseGone(absl::Duration timeout);
  absl::Status StopDatabase();
  absl::Status StartDatabase();

  // Waits until `address`'s health service answers SERVING for `service`
  // ("" for the server); the time it took, or an error after `timeout`.
  static absl::StatusOr<absl::Duration> WaitServing(const std::string& address,
                                                    const std::string& service,
                                                    absl::Duration timeout);

  std::string registry_address() const;
  std::string training_address() const;
  std::string demobase_address() const;
  std::string cultivation_address() const;
  std::string gateway_address() const;
  // The programme office's key, and the funding system's.
  const std::string& api_key() const { return api_key_; }
  const std::string& funding_api_key() const { return funding_api_key_; }
  // A new connection to a service's schema ("registry", "training",
  // "demobase", "cultivation"), for the ledger's check.
  absl::StatusOr<std::unique_ptr<db::Connection>> ConnectDatabase(
      const std::string& service = "registry") const;
  const std::string& dir() const { return dir_; }

 private:
  FaultSystem() = default;
  absl::Status RunScript(const std::string& command, const std::string& extra);
  // Starts build/bin/qpp-`name` on `port` against the schema
  // qpp_fault_`name`, with `extra` flags, into `slot` (reaping what was
  // there), and waits until it is SERVING.
  absl::Status StartService(const std::string& name, int port,
                            const std::vector<std::string>& extra,
                            std::unique_ptr<testing::ChildProcess>* slot);
  int DatabasePid() const;

  std::string dir_;
  int db_port_ = 0;
  std::string db_password_;
  std::string keyring_;
  int registry_port_ = 0;
  int training_port_ = 0;
  int demobase_port_ = 0;
  int cultivation_port_ = 0;
  int gateway_port_ = 0;
  int gateway_http_port_ = 0;
  std::string api_key_;
  std::string funding_api_key_;
  std::unique_ptr<testing::ChildProcess> registry_;
  std::unique_ptr<testing::ChildProcess> training_;
  std::unique_ptr<testing::ChildProcess> demobase_;
  std::unique_ptr<testing::ChildProcess> cultivation_;
  std::unique_ptr<testing::ChildProcess> gateway_;
};

// The system every fault suite of the process shares, started on the first
// call under $TMPDIR/qpp_fault_<pid>; null (after printing why) if it did
// not start. StopSharedFaultSystem stops it, once every suite has run.
FaultSystem* SharedFaultSystem();
void StopSharedFaultSystem();

}  // namespace qpp::fault
