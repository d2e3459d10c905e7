#ifndef kwfp_potential_quadratic_potential_h
#define kwfp_potential_quadratic_potential_h

#include <kwfp/potential/potential.h>

namespace kwfp
{
  /**
   * @brief Phi_R(u) = 1/2 (u - u_0)^T B^{-1} (u - u_0): the posterior is
   * N(u_0, B) (Section 4.3 of Garbuno-Inigo et al. 2020).
   */
  class QuadraticPotential : public Potential
  {
  public:
    /// Phi_R(u) = 1/2 |u - @p minimizer|^2_B with B = @p covariance.
    QuadraticPotential(const DenseVector &minimizer,
                       const DenseMatrix &covariance);

    /// d, the length of u_0.
    unsigned int
    dimension() const override
    {
      return u_0.size();
    }
    /// Phi_R(u) = 1/2 (u - u_0)^T B^{-1} (u - u_0).
    double
    value(const dealii::ArrayView<const double> &u) const override;
    /// grad Phi_R(u) = B^{-1} (u - u_0).
    void
    gradient(const dealii::ArrayView<const double> &u,
             const dealii::ArrayView<double>       &gradient) const override;
    /// (U - 1 u_0^T) B^{-1}, one matrix product.
    void
    gradients(const DenseMatrix &points, DenseMatrix &gradients) const override;
    bool
    has_hessian() const override
    {
      return true;
    }
    /// D^2 Phi_R = B^{-1}, the same at every u.
    DenseMatrix
    hessian(const dealii::ArrayView<const double> &) const override
    {
      return B_inverse;
    }
    /// N(u_0, B).
    std::optional<Gaussian>
    stationary_gaussian() const override
    {
      return Gaussian(u_0, B);
    }
    /// "quadratic, posterior N(u_0, B)" with B (its size for d > 4).
    std::string
    description() const override;

  private:
    const DenseVector u_0;
    const DenseMatrix B;
    const DenseMatrix B_inverse;
  };
} // namespace kwfp

#endif
