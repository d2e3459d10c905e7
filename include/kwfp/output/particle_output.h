#ifndef kwfp_output_particle_output_h
#define kwfp_output_particle_output_h

#include <kwfp/output/pvd_series.h>
#include <kwfp/particles/ensemble.h>

#include <string>
#include <utility>
#include <vector>

namespace kwfp
{
  /**
   * @brief The ensemble for ParaView: `particles-NNNNN.pvtu` with one
   * `particles-NNNNN.RRRR.vtu` point cloud per rank and `particles.pvd`
   * listing them with their times. Points are (u_1, u_2, u_3) (zero-padded
   * for d < 3); fields `phi_r` (Phi_R(u_j)), `particle` (the index j) and,
   * for d > 3, `u` with all d coordinates. The .pvtu and .pvd are written
   * under a temporary name and renamed.
   */
  class ParticleOutput : private PvdSeries
  {
  public:
    /// Write into @p directory (particles.pvd and the VTU pieces).
    ParticleOutput(const std::string &directory, const MPI_Comm communicator);

    /// Write the ensemble at @p time; @p phi_r per owned block and particle.
    void
    write(const Ensemble                         &ensemble,
          const std::vector<std::vector<double>> &phi_r,
          const double                            time);

    /**
     * Write `ensemble_final.csv` (rank 0): header `particle,u_1,..,u_d`,
     * one row per particle in the order of the index j, 17 digits.
     */
    static void
    write_final_ensemble(const std::string &filename, const Ensemble &ensemble);

    /// The outputs written so far (PvdSeries::written()), and resume()
    /// after a checkpoint's (particles.pvd rewritten without the later ones).
    using PvdSeries::resume;
    using PvdSeries::written;

  private:
    const MPI_Comm communicator;
  };
} // namespace kwfp

#endif
