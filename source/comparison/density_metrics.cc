#include <kwfp/comparison/density_metrics.h>

#include <deal.II/base/mpi.h>

#include <algorithm>
#include <cmath>

namespace kwfp
{
  double
  log_floor(const std::vector<const std::vector<double> *> &densities,
            const MPI_Comm                                  communicator)
  {
    double largest = 0;
    for (const auto *values : densities)
      for (const double x : *values)
        largest = std::max(largest, x);
    return relative_log_floor *
           dealii::Utilities::MPI::max(largest, communicator);
  }


  DensityMetrics
  density_metrics(const std::vector<double> &p,
                  const std::vector<double> &q,
                  const std::vector<double> &JxW,
                  const MPI_Comm             communicator,
                  double                     floor)
  {
    AssertDimension(p.size(), JxW.size());
    AssertDimension(q.size(), JxW.size());
    if (floor < 0)
      floor = log_floor({&p, &q}, communicator);

    double sums[5] = {0, 0, 0, 0, 0}; // l1, l2^2, H^2, KL(p||q), KL(q||p)
    for (std::size_t i = 0; i < p.size(); ++i)
      {
        const double a = std::max(p[i], 0.0), b = std::max(q[i], 0.0);
        const double w = JxW[i];
        sums[0] += w * std::abs(p[i] - q[i]);
        sums[1] += w * (p[i] - q[i]) * (p[i] - q[i]);
        sums[2] += w * 0.5 * std::pow(std::sqrt(a) - std::sqrt(b), 2);
        if (a > 0)
          sums[3] += w * a * std::log(std::max(a, floor) / std::max(b, floor));
        if (b > 0)
          sums[4] += w * b * std::log(std::max(b, floor) / std::max(a, floor));
      }
    dealii::Utilities::MPI::sum(dealii::ArrayView<const double>(sums, 5),
                                communicator,
                                dealii::ArrayView<double>(sums, 5));
    DensityMetrics m;
    m.l1        = sums[0];
    m.l2        = std::sqrt(sums[1]);
    m.hellinger = std::sqrt(sums[2]);
    m.kl_pq     = sums[3];
    m.kl_qp     = sums[4];
    m.symkl     = sums[3] + sums[4];
    m.log_floor = floor;
    return m;
  }


  GaussianDistances
  gaussian_distances(const Gaussian &p, const Gaussian &q)
  {
    GaussianDistances g;
    g.kl_pq = kl_divergence(p, q);
    g.kl_qp = kl_divergence(q, p);
    g.w2    = wasserstein2_distance(p, q);
    return g;
  }
} // namespace kwfp
