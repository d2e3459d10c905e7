// The start-up settings of a process that no MPI launcher started
// (kwfp::SingletonMpiStart): which variables it sets, that it keeps the
// user's, that it does nothing under a launcher, and that restore() leaves
// the environment as it found it.

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


TEST(SingletonMpiStart, SetsBothVariablesWithoutALauncherAndRemovesThem)
{
  CleanEnvironment  clean;
  SingletonMpiStart start;
  EXPECT_FALSE(started_by_mpi_launcher());
  EXPECT_EQ(start.variables_set(),
            (std::vector<std::string>{"OMPI_MCA_ess_singleton_isolated",
                                      "OMPI_MCA_pml"}));
  EXPECT_EQ(value_of("OMPI_MCA_ess_singleton_isolated"), "1");
  EXPECT_EQ(value_of("OMPI_MCA_pml"), "ob1");
  start.restore();
  EXPECT_EQ(value_of("OMPI_MCA_ess_singleton_isolated"), "(unset)");
  EXPECT_EQ(value_of("OMPI_MCA_pml"), "(unset)");
  EXPECT_TRUE(start.variables_set().empty());
}


TEST(SingletonMpiStart, KeepsWhatTheUserSet)
{
  CleanEnvironment clean;
  setenv("OMPI_MCA_pml", "ucx", 1);
  SingletonMpiStart start;
  EXPECT_EQ(start.variables_set(),
            std::vector<std::string>{"OMPI_MCA_ess_singleton_isolated"});
  EXPECT_EQ(value_of("OMPI_MCA_pml"), "ucx");
  start.restore();
  EXPECT_EQ(value_of("OMPI_MCA_pml"), "ucx");
  EXPECT_EQ(value_of("OMPI_MCA_ess_singleton_isolated"), "(unset)");
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
