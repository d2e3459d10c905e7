#include <kwfp/app/parameters.h>
#include <kwfp/base/errors.h>
#include <kwfp/base/memory_need.h>
#include <kwfp/fokker_planck/solver.h>
#include <kwfp/particles/particle_solver.h>

#include <deal.II/base/parameter_handler.h>

#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

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


namespace
{
  /// Write @p text to @p path, creating its folders.
  void
  write_file(const std::string &path, const std::string &text)
  {
    std::filesystem::create_directories(
      std::filesystem::path(path).parent_path());
    std::ofstream(path) << text;
  }
} // namespace


// The limit of a group below the mount's top counts (the review found
// that only the top was read), and so does a tighter one above it; the
// inactive file cache is not counted as used; the mounts are found in
// mountinfo, and a mount whose root is a group (a container's namespace)
// is walked from the process's group below that root. Fake control-group
// trees in a temporary folder, for v2 and for v1.
TEST(MemoryNeed, EveryLevelOfTheProcesssControlGroupIsRead)
{
  const std::string root = (std::filesystem::temp_directory_path() /
                            ("kwfp_cgroup_test_" + std::to_string(getpid())))
                             .string();
  std::filesystem::remove_all(root);
  const std::uint64_t GB        = 1000000000;
  const std::string   v2_mounts = "30 22 0:27 / " + root +
                                " rw - tmpfs tmpfs rw\n40 30 0:37 / " + root +
                                "/v2 rw,relatime - cgroup2 cgroup2 rw\n";

  // v2: no limit at the top, 4 GB on /a (3 GB used, 1 GB of it inactive
  // cache), 8 GB on /a/b (1 GB used): the room is 4 - (3 - 1) = 2 GB.
  write_file(root + "/v2/memory.max", "max\n");
  write_file(root + "/v2/a/memory.max", std::to_string(4 * GB) + "\n");
  write_file(root + "/v2/a/memory.current", std::to_string(3 * GB) + "\n");
  write_file(root + "/v2/a/memory.stat",
             "anon 5\ninactive_file " + std::to_string(GB) + "\n");
  write_file(root + "/v2/a/b/memory.max", std::to_string(8 * GB) + "\n");
  write_file(root + "/v2/a/b/memory.current", std::to_string(GB) + "\n");
  EXPECT_EQ(kwfp::cgroup_memory_room("0::/a/b\n", v2_mounts), 2 * GB);
  // the lower group alone when the upper one sets no limit
  write_file(root + "/v2/a/memory.max", "max\n");
  EXPECT_EQ(kwfp::cgroup_memory_room("0::/a/b\n", v2_mounts), 7 * GB);
  // a path that is not visible leaves the top: no limit
  EXPECT_EQ(kwfp::cgroup_memory_room("0::/c/d\n", v2_mounts), 0u);

  // a container: the mount's root is the group /docker/x, the process is in
  // /docker/x/sub, whose limit of 3 GB (1 GB used) is at mount/sub
  write_file(root + "/ns/sub/memory.max", std::to_string(3 * GB) + "\n");
  write_file(root + "/ns/sub/memory.current", std::to_string(GB) + "\n");
  EXPECT_EQ(
    kwfp::cgroup_memory_room("0::/docker/x/sub\n",
                             "41 30 0:38 /docker/x " + root +
                               "/ns rw - cgroup2 cgroup2 rw,nsdelegate\n"),
    2 * GB);

  // v1 (a hybrid system's lines, the memory controller mounted on its
  // own): the group /x/y with a limit of 6 GB, 2 GB used; the top's "no
  // limit" number is ignored.
  const std::string v1_mounts =
    "31 30 0:28 / " + root +
    "/v1/cpu rw - cgroup cgroup rw,cpu\n34 30 0:31 / " + root +
    "/v1/memory rw,relatime - cgroup cgroup rw,memory\n";
  write_file(root + "/v1/memory/memory.limit_in_bytes",
             "9223372036854771712\n");
  write_file(root + "/v1/memory/x/y/memory.limit_in_bytes",
             std::to_string(6 * GB) + "\n");
  write_file(root + "/v1/memory/x/y/memory.usage_in_bytes",
             std::to_string(2 * GB) + "\n");
  EXPECT_EQ(kwfp::cgroup_memory_room("5:devices:/\n4:memory:/x/y\n0::/\n",
                                     v1_mounts),
            4 * GB);
  // without /proc/self/cgroup the mount's top only
  EXPECT_EQ(kwfp::cgroup_memory_room("", v1_mounts), 0u);
  std::filesystem::remove_all(root);
}


// With particles beside the finite elements, the mesh is checked with the
// particles' need added (the review found each checked on its own): a
// uniform 2-D mesh that needs about 30 % of the available memory passes
// alone and fails beside particles that need as much as is available
// (margins wide enough that the machine's other work cannot swing the
// outcome between the three readings). Only the check runs; nothing of that
// size is allocated.
TEST(MemoryNeed, TheMeshIsCheckedBesideTheParticles)
{
  const double available = static_cast<double>(kwfp::available_memory());
  if (available < 1e9)
    GTEST_SKIP() << "the available memory is unknown here or below 1 GB";
  // Q1, n x n cells: (n + 1)^2 unknowns at 1500 bytes, and 100 MB
  const unsigned int n =
    static_cast<unsigned int>(std::sqrt((0.3 * available - 1e8) / 1500.));
  dealii::ParameterHandler prm;
  kwfp::Parameters::declare(prm);
  kwfp::Parameters parameters;
  parameters.read_from_string(
    prm,
    "set Dimension = 2\nsubsection Mesh\n  set Subdivisions = " +
      std::to_string(n) +
      "\n  set Global refinements = 0\n  set Finite element degree = 1\n"
      "  set Lower corner = -8, -8\n  set Upper corner = 8, 8\nend\n");
  std::ostringstream          console;
  kwfp::FokkerPlanckSolver<2> solver(kwfp::fokker_planck_parameters(parameters),
                                     "",
                                     MPI_COMM_SELF,
                                     console);
  EXPECT_NO_THROW(solver.check_input(false, 0.));
  const double particles = kwfp::ParticleSolver::ensemble_memory_need(
    static_cast<std::uint64_t>(available / 80.), 2);
  try
    {
      solver.check_input(false, particles);
      FAIL() << "the mesh and the particles passed together";
    }
  catch (const kwfp::InputError &e)
    {
      EXPECT_EQ(e.parameter, "Mesh/Subdivisions");
      EXPECT_NE(std::string(e.what()).find("beside the particles'"),
                std::string::npos)
        << e.what();
    }
}
