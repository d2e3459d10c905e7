#include <kwfp/base/mpi_start.h>

#include <array>
#include <cstdlib>
#include <utility>

namespace kwfp
{
  const std::vector<std::string> &
  mpi_launcher_variables()
  {
    static const std::vector<std::string> names = {"OMPI_COMM_WORLD_SIZE",
                                                   "PMIX_RANK",
                                                   "PMI_RANK",
                                                   "PMI_SIZE",
                                                   "MPI_LOCALNRANKS",
                                                   "SLURM_STEP_ID"};
    return names;
  }


  bool
  started_by_mpi_launcher()
  {
    for (const std::string &name : mpi_launcher_variables())
      if (std::getenv(name.c_str()) != nullptr)
        return true;
    return false;
  }


  SingletonMpiStart::SingletonMpiStart()
  {
    if (started_by_mpi_launcher())
      return;
    constexpr std::array<std::pair<const char *, const char *>, 2> settings = {
      {{"OMPI_MCA_ess_singleton_isolated", "1"}, {"OMPI_MCA_pml", "ob1"}}};
    for (const auto &[name, value] : settings)
      if (std::getenv(name) == nullptr && setenv(name, value, 0) == 0)
        set_by_us.emplace_back(name);
  }
} // namespace kwfp
