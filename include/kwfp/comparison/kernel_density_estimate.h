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
    KernelDensityEstimate(const DenseMatrix  &particles,
                          const BandwidthRule rule);

    /// f(x), @p x of length d.
    double
    value(const double *x) const;

    /// The bandwidth h.
    double
    bandwidth() const;

    /// The bandwidth of @p rule for J particles in dimension d.
    static double
    bandwidth(const BandwidthRule rule,
              const unsigned int  dimension,
              const double        n_particles);

    /**
     * A bound on E ||f_hat - f||_1 for J independent draws from a Gaussian
     * f = N(m, S) in dimension d, kernel covariance h^2 S (L1 is invariant
     * under affine maps, so it depends on d, J, h only):
     *   bias: E f_hat = N(m, (1 + h^2) S), and
     *     ||N(0, s^2 I) - N(0, I)||_1 = 2 (F_d(r^2) - F_d(r^2 / s^2)),
     *     s^2 = 1 + h^2, r^2 = d s^2 ln(s^2) / (s^2 - 1) where the two
     *     densities cross, F_d the chi-square distribution function;
     *   variance: E ||f_hat - E f_hat||_1 <= int sqrt(Var f_hat)
     *     = sqrt(J^{-1} (4 pi)^{-d/2} h^{-d}) (2 pi)^{d/4} 2^{d/2}
     *       (1 + h^2/2)^{d/4}
     *     (Jensen, and int K_H^2(x - y) f(y) dy = (4 pi)^{-d/2} |H|^{-1/2}
     *     N(x; m, S + H/2) for Gaussian K and f).
     * The estimate of S from the sample is ignored (its error is
     * O(J^{-1/2}) relative in H, changing the bias by O(h^2 J^{-1/2})).
     */
    static double
    gaussian_l1_error_bound(const unsigned int dimension,
                            const double       n_particles,
                            const double       h);

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
