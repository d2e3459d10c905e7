#ifndef kwfp_comparison_density_metrics_h
#define kwfp_comparison_density_metrics_h

#include <kwfp/gaussian/gaussian.h>

#include <mpi.h>

#include <vector>

namespace kwfp
{
  /**
   * @brief Distances between two densities p and q on the same mesh:
   *   L1 = int |p - q|,   L2 = (int (p - q)^2)^{1/2},
   *   Hellinger H = (1/2 int (sqrt(p+) - sqrt(q+))^2)^{1/2}  (in [0, 1]),
   *   KL(p||q) = int_{p > 0} p ln(p / max(q, floor)), KL(q||p) likewise,
   *   SymKL = KL(p||q) + KL(q||p)  (Mokrov et al. 2021).
   * p+ = max(p, 0): a finite-element density may dip below zero by
   * round-off in its tails; those points add nothing to H and KL.
   */
  struct DensityMetrics
  {
    double l1 = 0; ///< int |p - q|
    double l2 = 0; ///< (int (p - q)^2)^{1/2}
    /// Hellinger distance (1/2 int (sqrt p - sqrt q)^2)^{1/2}.
    double hellinger = 0;
    double kl_pq     = 0; ///< KL(p || q) = int p ln(p / q)
    double kl_qp     = 0; ///< KL(q || p)
    double symkl     = 0; ///< kl_pq + kl_qp
    /// The floor inside the logarithms: relative_log_floor * max(p, q).
    double log_floor = 0;
  };

  /// The floor of the logarithms, relative to the largest density value.
  constexpr double relative_log_floor = 1e-30;

  /// relative_log_floor times the largest value in @p densities (all ranks).
  double
  log_floor(const std::vector<const std::vector<double> *> &densities,
            const MPI_Comm                                  communicator);

  /**
   * The metrics of @p p and @p q given at the quadrature points of the
   * locally owned cells with weights @p JxW (sums over MPI ranks), with
   * the floor @p floor in the logarithms (by default log_floor({p, q})).
   */
  DensityMetrics
  density_metrics(const std::vector<double> &p,
                  const std::vector<double> &q,
                  const std::vector<double> &JxW,
                  const MPI_Comm             communicator,
                  double                     floor = -1);

  /// KL in both directions and W2 between two Gaussians (closed forms).
  struct GaussianDistances
  {
    double kl_pq = 0; ///< KL(N_p || N_q)
    double kl_qp = 0; ///< KL(N_q || N_p)
    double w2    = 0; ///< Wasserstein-2 distance between the Gaussians
  };

  GaussianDistances
  gaussian_distances(const Gaussian &p, const Gaussian &q);
} // namespace kwfp

#endif
