#ifndef kwfp_comparison_kernel_density_estimate_h
#define kwfp_comparison_kernel_density_estimate_h

#include <kwfp/base/dense_algebra.h>

#include <array>
#include <string>
#include <unordered_map>
#include <vector>

namespace kwfp
{
  /// Bandwidth rules of the kernel density estimate.
  enum class BandwidthRule
  {
    scott,    ///< h = J^{-1/(d+4)}
    silverman ///< h = (4 / (d + 2))^{1/(d+4)} J^{-1/(d+4)}
  };

  BandwidthRule
  parse_bandwidth_rule(const std::string &name);

  /**
   * @brief The Gaussian kernel density estimate of an ensemble,
   *   f(x) = 1/J sum_j N(x; u_j, H),   H = h^2 C(U),
   * the kernel shaped by the ensemble covariance C(U) and scaled by the
   * bandwidth h of Scott's or Silverman's rule.
   *
   * In the whitened coordinates y = L^{-1} x / h (C(U) = L L^T) every kernel
   * is exp(-|y - y_j|^2 / 2); the particles are sorted into bins of width
   * 3 there and only those within distance 6 are summed (a kernel weight
   * below e^{-18} = 1.5e-8 of its peak is dropped; the L1 error this makes
   * is the mass of N(0, I) outside the ball of radius 6, below 2e-7 for
   * d <= 3). Binning is used for d <= 3, all particles are summed otherwise.
   */
  class KernelDensityEstimate
  {
  public:
    /// @p particles: one particle per row, all of them.
    KernelDensityEstimate(const DenseMatrix &particles,
                          const BandwidthRule rule);

    /// f(x), @p x of length d.
    double
    value(const double *x) const;

    /// The bandwidth h.
    double
    bandwidth() const;

    /// The kernel covariance H = h^2 C(U).
    const DenseMatrix &
    kernel_covariance() const;

    /// The bandwidth of @p rule for J particles in dimension d.
    static double
    bandwidth(const BandwidthRule rule,
              const unsigned int  dimension,
              const double        n_particles);

    /// Whitened distance beyond which kernels are dropped.
    static constexpr double cutoff = 6;

  private:
    using BinKey = std::array<long, 3>;
    struct BinHash
    {
      std::size_t
      operator()(const BinKey &k) const
      {
        return std::hash<long>()(k[0] * 73856093L ^ k[1] * 19349663L ^
                                 k[2] * 83492791L);
      }
    };

    BinKey
    bin_of(const double *y) const;

    unsigned int        d;
    double              J;
    double              h;
    double              normalization;
    DenseMatrix         H;
    DenseMatrix         whitening; ///< L^{-1} / h
    std::vector<double> whitened;  ///< y_j, J x d
    std::unordered_map<BinKey, std::vector<unsigned int>, BinHash> bins;
  };
} // namespace kwfp

#endif
