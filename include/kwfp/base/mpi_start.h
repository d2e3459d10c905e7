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
   * the process (none of the variables of Open MPI's, PMIx's, MPICH's or
   * Slurm's launchers is set) and the user has not set them. Other MPI
   * libraries ignore them. restore() removes what it set once MPI_Init has
   * read it, so that programs kwfp starts (an external forward model) see
   * the user's environment.
   */
  class SingletonMpiStart
  {
  public:
    /// Set the variables (see the class description).
    SingletonMpiStart();

    /// Remove the variables set by the constructor from the environment.
    void
    restore();

    /// The names of the variables the constructor set (empty when a launcher
    /// started the process or the user had set them all).
    const std::vector<std::string> &
    variables_set() const
    {
      return set_by_us;
    }

  private:
    std::vector<std::string> set_by_us; ///< names to remove in restore()
  };

  /// Was this process started by an MPI launcher (mpirun, mpiexec, srun)?
  /// Judged from the environment variables the launchers set.
  bool
  started_by_mpi_launcher();
} // namespace kwfp

#endif
