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
  const std::vector<std::string> watched = {"OMPI_COMM_WORLD_SIZE",
                                            "PMIX_RANK",
                                            "PMI_RANK",
                                            "PMI_SIZE",
                                            "MPI_LOCALNRANKS",
                                            "SLURM_STEP_ID",
                                            "OMPI_MCA_ess_singleton_isolated",
                                            "OMPI_MCA_pml"};

  /// Clears the variables above while it lives and puts back their values.
  class CleanEnvironment
  {
  public:
    CleanEnvironment()
    {
      for (const std::string &name : watched)
        if (const char *value = std::getenv(name.c_str()))
          {
            saved[name] = value;
            unsetenv(name.c_str());
          }
    }
    ~CleanEnvironment()
    {
      for (const std::string &name : watched)
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
  for (const char *launcher_variable :
       {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_RANK", "SLURM_STEP_ID"})
    {
      CleanEnvironment clean;
      setenv(launcher_variable, "0", 1);
      EXPECT_TRUE(started_by_mpi_launcher()) << launcher_variable;
      SingletonMpiStart start;
      EXPECT_TRUE(start.variables_set().empty()) << launcher_variable;
      EXPECT_EQ(value_of("OMPI_MCA_pml"), "(unset)") << launcher_variable;
      EXPECT_EQ(value_of("OMPI_MCA_ess_singleton_isolated"), "(unset)")
        << launcher_variable;
    }
}
