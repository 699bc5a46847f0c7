#include "voc/status.h"

#include <doctest/doctest.h>

#include <memory>
#include <string>

TEST_CASE("Status: OK and error values") {
  voc::Status ok;
  CHECK(ok.ok());
  CHECK(ok.ToString() == "OK");
  voc::Status bad = voc::InvalidArgumentError("column 'text' not found");
  CHECK_FALSE(bad.ok());
  CHECK(bad.code() == voc::StatusCode::kInvalidArgument);
  CHECK(bad.ToString() == "INVALID_ARGUMENT: column 'text' not found");
  CHECK(std::string(voc::StatusCodeName(voc::StatusCode::kDataLoss)) == "DATA_LOSS");
}

TEST_CASE("Result: value or status") {
  voc::Result<std::unique_ptr<int>> r(std::make_unique<int>(7));
  REQUIRE(r.ok());
  CHECK(**r == 7);
  voc::Result<int> e(voc::NotFoundError("no such file: x.csv"));
  CHECK_FALSE(e.ok());
  CHECK(e.status().message() == "no such file: x.csv");
}

namespace {
voc::Status Fails() { return voc::DataLossError("truncated"); }
voc::Status Chains() {
  VOC_RETURN_IF_ERROR(voc::Status());
  VOC_RETURN_IF_ERROR(Fails());
  return voc::InternalError("not reached");
}
}  // namespace

TEST_CASE("VOC_RETURN_IF_ERROR propagates the first error") { CHECK(Chains().message() == "truncated"); }
