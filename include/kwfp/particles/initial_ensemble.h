#ifndef kwfp_particles_initial_ensemble_h
#define kwfp_particles_initial_ensemble_h

#include <kwfp/model/initial_density_parameters.h>
#include <kwfp/particles/ensemble.h>
#include <kwfp/particles/particle_parameters.h>

#include <cstdint>

namespace kwfp
{
  /**
   * Fill @p ensemble with its initial particles, as @p initial_density says
   * (or, when given, the 'Initial distributions' of @p particles):
   * - Gaussian N(m_0, C_0): u_j = m_0 + L z_j, C_0 = L L^T;
   * - product: coordinate i drawn from its own normal(mean, sd) or
   *   uniform(a, b) (the paper's N(0,1) x U(90,110));
   * - file: row j of the CSV file 'Ensemble file'.
   * Particle j draws from its own random stream (seed, j) (the seed of
   * @p particles), so the initial
   * ensemble does not depend on the number of ranks.
   */
  void
  draw_initial_ensemble(const InitialDensityParameters &initial_density,
                        const ParticleParameters       &particles,
                        Ensemble                       &ensemble);

  /**
   * Read an ensemble from a CSV file: one particle per row, d numbers
   * separated by ',' (a first line that is not numeric is a header). Throws
   * InputError naming 'Initial density/Ensemble file'.
   */
  DenseMatrix
  read_ensemble_csv(const std::string &filename, const unsigned int dimension);
} // namespace kwfp

#endif
