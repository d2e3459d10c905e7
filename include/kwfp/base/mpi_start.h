#ifndef kwfp_base_mpi_start_h
#define kwfp_base_mpi_start_h

#include <string>
#include <vector>

namespace kwfp
{
  /**
   * @brief Start-up settings for a process that no MPI launcher started.
   *
   * Run without mpirun (a "singleton"), Open MPI 4 spawns its runtime daemon
   * (orted) and probes the UCX transport before MPI_Init returns: 0.3 s of
   * every run on the development machine (doc/performance.md, "Start-up").
   * A single process needs neither. Constructed before MPI_Init, this sets
   * Open MPI's MCA parameters ess_singleton_isolated = 1 (no daemon, hence
   * no MPI_Comm_spawn, which kwfp does not use) and pml = ob1 (Open MPI's
   * own point-to-point layer) in the environment, if no launcher started
   * the process (none of mpi_launcher_variables() is set) and the user has
   * not set them in the environment (which overrides Open MPI's parameter
   * files). Other MPI libraries ignore them. They stay in the process's
   * environment (changing it once MPI_Init has started its threads is not
   * safe); the commands kwfp runs get the environment recorded before
   * (launch_environment.h), without them and without what MPI_Init
   * exports.
   */
  class SingletonMpiStart
  {
  public:
    /// Set the variables (see the class description).
    SingletonMpiStart();

    /// The names of the variables the constructor set (empty when a launcher
    /// started the process or the user had set them all).
    const std::vector<std::string> &
    variables_set() const
    {
      return set_by_us;
    }

  private:
    std::vector<std::string> set_by_us; ///< names of the variables set
  };

  /// The environment variables that MPI launchers set in the processes
  /// they start: Open MPI's mpirun (OMPI_COMM_WORLD_SIZE), PMIx (PMIX_RANK:
  /// Open MPI 5, direct launch), Hydra (PMI_RANK, PMI_SIZE, MPI_LOCALNRANKS:
  /// MPICH, Intel MPI) and Slurm's srun (SLURM_STEP_ID).
  const std::vector<std::string> &
  mpi_launcher_variables();

  /// Was this process started by an MPI launcher (mpirun, mpiexec, srun)?
  /// True if any of mpi_launcher_variables() is set.
  bool
  started_by_mpi_launcher();
} // namespace kwfp

#endif
