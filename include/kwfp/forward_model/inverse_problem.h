#ifndef kwfp_forward_model_inverse_problem_h
#define kwfp_forward_model_inverse_problem_h

#include <kwfp/base/dense_algebra.h>
#include <kwfp/forward_model/forward_model.h>
#include <kwfp/gaussian/gaussian.h>

#include <memory>
#include <optional>

namespace kwfp
{
  /**
   * @brief The Bayesian inverse problem y = G(u) + eta, eta ~ N(0, Gamma),
   * with prior N(m_prior, Gamma_0), (1.1)-(1.6) of Garbuno-Inigo et al.
   * (2020):
   *   Phi(u)   = 1/2 |y - G(u)|^2_Gamma                     (data misfit, 1.2)
   *   Phi_R(u) = Phi(u) + 1/2 |u - m_prior|^2_{Gamma_0}     (1.4)
   * The paper takes m_prior = 0.
   */
  class InverseProblem
  {
  public:
    /// Checks sizes; Gamma and Gamma_0 must be SPD (checked by the parser).
    InverseProblem(std::shared_ptr<const ForwardModel> forward_model,
                   const DenseVector                  &data,
                   const DenseMatrix                  &noise_covariance,
                   const DenseMatrix                  &prior_covariance,
                   const DenseVector                  &prior_mean);

    /// G.
    const ForwardModel &
    forward_model() const;
    /// d, the dimension of u.
    unsigned int
    dimension() const;
    /// K, the number of data.
    unsigned int
    n_data() const;

    /// y.
    const DenseVector &
    data() const;
    /// Gamma^{-1}.
    const DenseMatrix &
    noise_precision() const;
    /// L with Gamma = L L^T (Cholesky).
    const DenseMatrix &
    noise_cholesky() const;
    /// Gamma_0^{-1}.
    const DenseMatrix &
    prior_precision() const;
    /// m_prior.
    const DenseVector &
    prior_mean() const;

    /// The data misfit Phi = 1/2 |y - G|^2_Gamma for a given value G = G(u).
    double
    misfit(const dealii::ArrayView<const double> &G) const;

    /// The prior term 1/2 |u - m_prior|^2_{Gamma_0}.
    double
    prior_term(const dealii::ArrayView<const double> &u) const;

    /**
     * For a linear G = A u, the Gaussian posterior N(u_0, B) with
     * B = (A^T Gamma^{-1} A + Gamma_0^{-1})^{-1},
     * u_0 = B (A^T Gamma^{-1} y + Gamma_0^{-1} m_prior) (Section 4.3);
     * otherwise empty.
     */
    const std::optional<Gaussian> &
    linear_posterior() const;

  private:
    std::shared_ptr<const ForwardModel> model;
    const DenseVector                   y;
    const DenseMatrix                   Gamma_inverse;
    const DenseMatrix                   Gamma_cholesky;
    const DenseMatrix                   Gamma_0_inverse;
    const DenseVector                   m_prior;
    std::optional<Gaussian>             posterior;
  };
} // namespace kwfp

#endif
