// The start-up settings of a process that no MPI launcher started
// (kwfp::SingletonMpiStart): which variables it sets, that it keeps the
// user's and that it does nothing under a launcher; and that the commands
// kwfp runs get the environment recorded at the start
// (kwfp::record_launch_environment), not what was set after.

#include <kwfp/base/external_command.h>
#include <kwfp/base/launch_environment.h>
#include <kwfp/base/mpi_start.h>

#include <gtest/gtest.h>

#include <cstdlib>
#include <map>
#include <string>
#include <vector>

using namespace kwfp;

namespace
{
  /// The launchers' variables and the two that SingletonMpiStart sets.
  std::vector<std::string>
  watched()
  {
    std::vector<std::string> names = mpi_launcher_variables();
    names.emplace_back("OMPI_MCA_ess_singleton_isolated");
    names.emplace_back("OMPI_MCA_pml");
    return names;
  }

  /// Clears the variables above while it lives and puts back their values.
  class CleanEnvironment
  {
  public:
    CleanEnvironment()
    {
      for (const std::string &name : watched())
        if (const char *value = std::getenv(name.c_str()))
          {
            saved[name] = value;
            unsetenv(name.c_str());
          }
    }
    ~CleanEnvironment()
    {
      for (const std::string &name : watched())
        unsetenv(name.c_str());
      for (const auto &[name, value] : saved)
        setenv(name.c_str(), value.c_str(), 1);
    }

  private:
    std::map<std::string, std::string> saved;
  };

  /// The value of @p name, or "(unset)".
  std::string
  value_of(const char *name)
  {
    const char *value = std::getenv(name);
    return value == nullptr ? "(unset)" : value;
  }
} // namespace


TEST(SingletonMpiStart, SetsBothVariablesWithoutALauncher)
{
  CleanEnvironment  clean;
  SingletonMpiStart start;
  EXPECT_FALSE(started_by_mpi_launcher());
  EXPECT_EQ(start.variables_set(),
            (std::vector<std::string>{"OMPI_MCA_ess_singleton_isolated",
                                      "OMPI_MCA_pml"}));
  EXPECT_EQ(value_of("OMPI_MCA_ess_singleton_isolated"), "1");
  EXPECT_EQ(value_of("OMPI_MCA_pml"), "ob1");
}


TEST(SingletonMpiStart, KeepsWhatTheUserSet)
{
  CleanEnvironment clean;
  setenv("OMPI_MCA_pml", "ucx", 1);
  SingletonMpiStart start;
  EXPECT_EQ(start.variables_set(),
            std::vector<std::string>{"OMPI_MCA_ess_singleton_isolated"});
  EXPECT_EQ(value_of("OMPI_MCA_pml"), "ucx");
  EXPECT_EQ(value_of("OMPI_MCA_ess_singleton_isolated"), "1");
}


TEST(SingletonMpiStart, DoesNothingUnderALauncher)
{
  ASSERT_EQ(mpi_launcher_variables().size(), 6u);
  for (const std::string &launcher_variable : mpi_launcher_variables())
    {
      CleanEnvironment clean;
      setenv(launcher_variable.c_str(), "0", 1);
      EXPECT_TRUE(started_by_mpi_launcher()) << launcher_variable;
      SingletonMpiStart start;
      EXPECT_TRUE(start.variables_set().empty()) << launcher_variable;
      EXPECT_EQ(value_of("OMPI_MCA_pml"), "(unset)") << launcher_variable;
      EXPECT_EQ(value_of("OMPI_MCA_ess_singleton_isolated"), "(unset)")
        << launcher_variable;
    }
}


TEST(LaunchEnvironment, CommandsGetTheEnvironmentRecordedAtTheStart)
{
  // The test main recorded the environment before MPI_Init. A variable of
  // that record reaches the command even when it was removed since; one set
  // since (as SingletonMpiStart's and MPI_Init's are) does not.
  const char *first = launch_environment()[0];
  ASSERT_NE(first, nullptr) << "an empty environment at the start";
  const std::string entry = first;
  const std::string name  = entry.substr(0, entry.find('='));
  const std::string value = entry.substr(name.size() + 1);
  unsetenv(name.c_str());
  setenv("KWFP_TEST_SET_AFTER_THE_START", "1", 1);
  const TemporaryDirectory directory("launch-environment");
  const CommandOutcome     seen =
    run_command("[ \"${" + name + "-unset}\" = '" + value +
                  "' ] && [ -z \"${KWFP_TEST_SET_AFTER_THE_START+set}\" ]",
                10,
                directory.file("log"));
  unsetenv("KWFP_TEST_SET_AFTER_THE_START");
  setenv(name.c_str(), value.c_str(), 1);
  EXPECT_TRUE(seen.succeeded())
    << seen.describe(10) << " (variable " << name << ")";
}


TEST(LaunchEnvironment, ACommandCanRunMpirun)
{
  // A forward model that is itself an MPI program: with the environment
  // that MPI_Init of this (singleton) process exported, mpirun fails.
  ASSERT_EQ(std::system("command -v mpirun > /dev/null 2>&1"), 0)
    << "mpirun (Debian package openmpi-bin) is not installed";
  const TemporaryDirectory directory("launch-environment");
  const CommandOutcome     outcome =
    run_command("OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 "
                "mpirun -np 1 /bin/true",
                60,
                directory.file("log"));
  EXPECT_TRUE(outcome.succeeded()) << outcome.describe(60);
}
