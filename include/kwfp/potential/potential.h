#ifndef kwfp_potential_potential_h
#define kwfp_potential_potential_h

#include <kwfp/base/dense_algebra.h>
#include <kwfp/gaussian/gaussian.h>

#include <deal.II/base/array_view.h>

#include <optional>
#include <string>
#include <vector>

namespace kwfp
{
  /**
   * @brief The regularized potential Phi_R(u) of (1.4)-(1.5) whose Gibbs
   * density exp(-Phi_R)/Z is the posterior (1.6) and the stationary density
   * of (4.1).
   *
   * Dimension-free: the finite-element solver uses it for d <= 3, the particle
   * module in any d. Additive constants do not matter anywhere in kwfp.
   */
  class Potential
  {
  public:
    virtual ~Potential() = default;

    /// The dimension d of u.
    virtual unsigned int
    dimension() const = 0;

    /// Phi_R(u).
    virtual double
    value(const dealii::ArrayView<const double> &u) const = 0;

    /// grad Phi_R(u), written into @p gradient (length d).
    virtual void
    gradient(const dealii::ArrayView<const double> &u,
             const dealii::ArrayView<double>       &gradient) const = 0;

    /**
     * grad Phi_R at many points: row j of @p gradients (n x d) is
     * grad Phi_R at row j of @p points. The default calls gradient() row by
     * row; quadratic potentials override it with one matrix product.
     */
    virtual void
    gradients(const DenseMatrix &points, DenseMatrix &gradients) const;

    /**
     * Phi_R at many points: @p values[j] is Phi_R at row j of @p points.
     * The default calls value() row by row; a potential whose evaluations
     * are expensive one by one (an external forward model) does them in
     * one batch.
     */
    virtual void
    values(const DenseMatrix &points, std::vector<double> &values) const;

    /**
     * values() and gradients() together (one batch for an external forward
     * model, whose Jacobian by central differences gives G too).
     */
    virtual void
    values_and_gradients(const DenseMatrix   &points,
                         std::vector<double> &values,
                         DenseMatrix         &gradients) const;

    /// Whether evaluations should come in one batch rather than block by
    /// block (ForwardModel::prefers_one_batch()).
    virtual bool
    prefers_one_batch() const
    {
      return false;
    }

    /// Whether hessian() is available.
    virtual bool
    has_hessian() const
    {
      return false;
    }

    /// The Hessian D^2 Phi_R(u) (d x d); only if has_hessian().
    virtual DenseMatrix
    hessian(const dealii::ArrayView<const double> &u) const;

    /**
     * When Phi_R(u) = 1/2 |u - u_0|^2_B + const, the Gaussian N(u_0, B) that
     * is then the stationary density; otherwise empty.
     */
    virtual std::optional<Gaussian>
    stationary_gaussian() const
    {
      return std::nullopt;
    }

    /// One line saying what this potential is.
    virtual std::string
    description() const = 0;
  };
} // namespace kwfp

#endif
