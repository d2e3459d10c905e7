#ifndef kwfp_gaussian_gaussian_h
#define kwfp_gaussian_gaussian_h

#include <kwfp/base/dense_algebra.h>

#include <deal.II/base/array_view.h>

#include <vector>

namespace kwfp
{
  /**
   * @brief The Gaussian N(mean, covariance) in R^d: density, log-density, the
   * closed-form KL divergence between two Gaussians, and how much mass lies
   * outside a box.
   */
  class Gaussian
  {
  public:
    /// Throws std::domain_error if @p covariance is not SPD.
    Gaussian(const DenseVector &mean, const DenseMatrix &covariance);

    /// d.
    unsigned int
    dimension() const;

    /// m.
    const DenseVector &
    mean() const;

    /// S.
    const DenseMatrix &
    covariance() const;

    /// S^{-1}.
    const DenseMatrix &
    precision() const;

    /// -1/2 ln det(2 pi S), the value of ln N(u; m, S) at u = m.
    double
    log_normalization_constant() const;

    /// ln N(u; m, S) = -1/2 |u-m|^2_S - 1/2 ln det(2 pi S).
    double
    log_density(const dealii::ArrayView<const double> &u) const;

    /// N(u; m, S).
    double
    density(const dealii::ArrayView<const double> &u) const;

    /**
     * Upper bound on the mass outside the box [lower, upper], by the union
     * bound over the 2d half-spaces with the one-dimensional marginals (exact
     * for d = 1). Entry 2i is the mass below lower[i], 2i+1 above upper[i].
     */
    std::vector<double>
    mass_outside_box(const std::vector<double> &lower,
                     const std::vector<double> &upper) const;

  private:
    DenseVector m;
    DenseMatrix S;
    DenseMatrix S_inverse;
    double      log_normalization; // -1/2 ln det(2 pi S)
  };

  /**
   * KL(p || q) = 1/2 [ tr(S_q^{-1} S_p) + |m_q - m_p|^2_{S_q} - d
   *                    + ln det S_q - ln det S_p ].
   */
  double
  kl_divergence(const Gaussian &p, const Gaussian &q);

  /**
   * The 2-Wasserstein distance between Gaussians:
   *   W2^2 = |m_p - m_q|^2 + tr(P + Q - 2 (Q^{1/2} P Q^{1/2})^{1/2}).
   */
  double
  wasserstein2_distance(const Gaussian &p, const Gaussian &q);

  /**
   * The Kalman-Fisher information (4.6) of rho = N(m, S) relative to
   * rho_inf = N(u_0, B) with the matrix C:
   *   I_C = E_rho <g, C g>,  g = grad ln(rho / rho_inf)
   *       = tr(C D S D) + v^T C v,  D = B^{-1} - S^{-1},  v = B^{-1}(m - u_0).
   */
  double
  kalman_fisher_information(const Gaussian    &rho,
                            const Gaussian    &rho_inf,
                            const DenseMatrix &C);
} // namespace kwfp

#endif
