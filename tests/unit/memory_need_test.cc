#include <kwfp/base/errors.h>
#include <kwfp/base/memory_need.h>

#include <gtest/gtest.h>

#include <fstream>

// The available memory is read from /proc/meminfo (and a control group's
// limit); a need of an exabyte is more than any machine has, a byte less
// than any has.
TEST(MemoryNeed, AvailableMemoryIsReadOnLinux)
{
  if (!std::ifstream("/proc/meminfo"))
    GTEST_SKIP() << "no /proc/meminfo";
  EXPECT_GT(kwfp::available_memory(), 0u);
}


TEST(MemoryNeed, MoreThanTheMachineHasIsBadInputNamingTheParameter)
{
  if (kwfp::available_memory() == 0)
    GTEST_SKIP() << "the available memory is unknown here";
  try
    {
      kwfp::check_memory_need(1e18, MPI_COMM_SELF, "Mesh/Subdivisions", "x");
      FAIL() << "an exabyte passed";
    }
  catch (const kwfp::InputError &e)
    {
      EXPECT_EQ(e.parameter, "Mesh/Subdivisions");
      EXPECT_NE(std::string(e.what()).find("GB available"), std::string::npos)
        << e.what();
    }
  EXPECT_NO_THROW(
    kwfp::check_memory_need(1, MPI_COMM_SELF, "Mesh/Subdivisions", "x"));
}
