// The parts of common/db/idempotency that need no database.

#include "common/db/idempotency.h"

#include <memory>

#include "common/status/status.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/descriptor.pb.h"
#include "google/protobuf/dynamic_message.h"
#include "gtest/gtest.h"

namespace qpp::db {
namespace {

TEST(IdempotencyTest, MethodComesFromTheRequestMessage) {
  google::protobuf::FileDescriptorProto file;
  file.set_name("qpp/test/v1/things.proto");
  file.set_package("qpp.test.v1");
  file.set_syntax("proto3");
  file.add_message_type()->set_name("CreateThingRequest");
  file.add_message_type()->set_name("Thing");
  google::protobuf::DescriptorPool pool;
  const google::protobuf::FileDescriptor* built = pool.BuildFile(file);
  ASSERT_NE(built, nullptr);
  google::protobuf::DynamicMessageFactory factory(&pool);
  std::unique_ptr<google::protobuf::Message> create(
      factory.GetPrototype(built->FindMessageTypeByName("CreateThingRequest"))
          ->New());
  EXPECT_EQ(IdempotencyMethod(*create), "CreateThing");
  // A message that does not follow the naming keeps its whole name.
  std::unique_ptr<google::protobuf::Message> thing(
      factory.GetPrototype(built->FindMessageTypeByName("Thing"))->New());
  EXPECT_EQ(IdempotencyMethod(*thing), "Thing");
}

TEST(IdempotencyTest, RequestIdsAreShortAndPlain) {
  EXPECT_TRUE(ValidateRequestId("").ok());
  EXPECT_TRUE(ValidateRequestId("0b6f1c52-5d4c-4c3e-9d53-0d1c2b3a4f5e").ok());
  EXPECT_TRUE(ValidateRequestId("import_2026-11-23").ok());
  EXPECT_FALSE(ValidateRequestId(std::string(65, 'a')).ok());
  const absl::Status bad = ValidateRequestId("a b");
  EXPECT_EQ(bad.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(status::FieldViolationsOf(bad)[0].field, "request_id");
}

}  // namespace
}  // namespace qpp::db
