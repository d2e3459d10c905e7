#ifndef kwfp_potential_linear_inverse_problem_h
#define kwfp_potential_linear_inverse_problem_h

#include <kwfp/potential/potential.h>

namespace kwfp
{
  /**
   * @brief The linear inverse problem y = A u + eta, eta ~ N(0, Gamma), with
   * prior N(m_prior, Gamma_0):
   *   Phi_R(u) = 1/2 |y - A u|^2_Gamma + 1/2 |u - m_prior|^2_{Gamma_0},
   * (1.2), (1.4) of Garbuno-Inigo et al. (2020), A of size K x d. Its
   * posterior is N(u_0, B) with B = (A^T Gamma^{-1} A + Gamma_0^{-1})^{-1}
   * and u_0 = B (A^T Gamma^{-1} y + Gamma_0^{-1} m_prior) (Section 4.3).
   */
  class LinearInverseProblemPotential : public Potential
  {
  public:
    LinearInverseProblemPotential(const DenseMatrix &A,
                                  const DenseVector &y,
                                  const DenseMatrix &Gamma,
                                  const DenseMatrix &Gamma_0,
                                  const DenseVector &prior_mean);

    unsigned int
    dimension() const override;
    double
    value(const dealii::ArrayView<const double> &u) const override;
    void
    gradient(const dealii::ArrayView<const double> &u,
             const dealii::ArrayView<double>       &gradient) const override;
    bool
    has_hessian() const override
    {
      return true;
    }
    DenseMatrix
    hessian(const dealii::ArrayView<const double> &u) const override;
    std::optional<Gaussian>
    stationary_gaussian() const override;
    std::string
    description() const override;

  private:
    /// Gamma^{-1} (y - A u), length K.
    DenseVector
    weighted_residual(const dealii::ArrayView<const double> &u) const;

    const DenseMatrix A;
    const DenseVector y;
    const DenseMatrix Gamma_inverse;
    const DenseMatrix Gamma_0_inverse;
    const DenseVector prior_mean;
    DenseMatrix       B;
    DenseVector       u_0;
  };
} // namespace kwfp

#endif
