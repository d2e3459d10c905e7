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
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <vector>

extern char **environ;

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
  // The test main recorded the environment before SingletonMpiStart and
  // MPI_Init. A command's environment (env -0: any value, also with
  // newlines) holds every recorded variable with its value, and none of
  // the variables the process has now but had not then (SingletonMpiStart's
  // and what MPI_Init exported). Read only: no setenv after MPI_Init.
  const auto name_of = [](const std::string &entry) {
    return entry.substr(0, entry.find('='));
  };
  const std::set<std::string> by_the_shell = {"PWD", "OLDPWD", "SHLVL", "_"};
  std::set<std::string>       recorded, recorded_names;
  for (char *const *e = launch_environment(); *e != nullptr; ++e)
    {
      recorded.insert(*e);
      recorded_names.insert(name_of(*e));
    }
  const TemporaryDirectory directory("launch-environment");
  const std::string        file = directory.file("environment");
  const CommandOutcome     outcome =
    run_command("env -0 > '" + file + "'", 10, directory.file("log"));
  ASSERT_TRUE(outcome.succeeded()) << outcome.describe(10);
  std::ifstream         in(file, std::ios::binary);
  std::set<std::string> seen, seen_names;
  for (std::string entry; std::getline(in, entry, '\0');)
    {
      seen.insert(entry);
      seen_names.insert(name_of(entry));
    }
  for (const std::string &entry : recorded)
    {
      if (by_the_shell.count(name_of(entry)) == 0)
        {
          EXPECT_EQ(seen.count(entry), 1u) << entry;
        }
    }
  unsigned int added_since = 0;
  for (char **e = environ; *e != nullptr; ++e)
    {
      const std::string name = name_of(*e);
      if (recorded_names.count(name) == 0 && by_the_shell.count(name) == 0)
        {
          ++added_since;
          EXPECT_EQ(seen_names.count(name), 0u) << name;
        }
    }
  // Open MPI's MPI_Init exports variables of its own (OMPI_MCA_ess, PMIx's)
  EXPECT_GT(added_since, 0u) << "nothing was added since the start: the "
                                "test checks nothing";
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
