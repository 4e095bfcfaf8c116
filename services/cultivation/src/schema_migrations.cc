#include "services/cultivation/funding/src/migrations.h"
#include "services/cultivation/src/migrations.h"

namespace qpp::cultivation {

const std::vector<db::MigrationFile>& SchemaMigrations() {
  static const auto* all = [] {
    auto* v = new std::vector<db::MigrationFile>(Migrations());
    const auto& funding = funding::Migrations();
    v->insert(v->end(), funding.begin(), funding.end());
    return v;
  }();
  return *all;
}

}  // namespace qpp::cultivation
