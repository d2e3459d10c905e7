#ifndef kwfp_potential_batch_cached_potential_h
#define kwfp_potential_batch_cached_potential_h

#include <kwfp/potential/potential.h>

#include <vector>

namespace kwfp
{
  /**
   * @brief A view of a Potential that keeps the last batch of
   * values_and_gradients() and answers values() or gradients() at the same
   * points (equal bit for bit) from it.
   *
   * The finite-element solver needs Phi_R and grad Phi_R at the quadrature
   * points of a mesh twice, for the diagnostics and for the operator (4.1);
   * with an external forward model each is a call of n (1 + 2d) rows, and
   * this view makes it one. Any other call goes to the potential. Holds a
   * reference: it must not outlive @p potential.
   */
  class BatchCachedPotential : public Potential
  {
  public:
    /// A view of @p potential.
    explicit BatchCachedPotential(const Potential &potential);

    /// That of the potential.
    unsigned int
    dimension() const override
    {
      return potential.dimension();
    }
    /// Phi_R(u) of the potential (not kept).
    double
    value(const dealii::ArrayView<const double> &u) const override
    {
      return potential.value(u);
    }
    /// grad Phi_R(u) of the potential (not kept).
    void
    gradient(const dealii::ArrayView<const double> &u,
             const dealii::ArrayView<double>       &g) const override
    {
      potential.gradient(u, g);
    }
    /// From the last batch if @p points are its points.
    void
    gradients(const DenseMatrix &points, DenseMatrix &gradients) const override;
    /// From the last batch if @p points are its points.
    void
    values(const DenseMatrix   &points,
           std::vector<double> &values) const override;
    /// From the last batch if @p points are its points; otherwise computed
    /// by the potential and kept.
    void
    values_and_gradients(const DenseMatrix   &points,
                         std::vector<double> &values,
                         DenseMatrix         &gradients) const override;
    /// That of the potential.
    bool
    prefers_one_batch() const override
    {
      return potential.prefers_one_batch();
    }
    /// That of the potential.
    bool
    has_hessian() const override
    {
      return potential.has_hessian();
    }
    /// D^2 Phi_R(u) of the potential.
    DenseMatrix
    hessian(const dealii::ArrayView<const double> &u) const override
    {
      return potential.hessian(u);
    }
    /// That of the potential.
    std::optional<Gaussian>
    stationary_gaussian() const override
    {
      return potential.stationary_gaussian();
    }
    /// That of the potential.
    std::string
    description() const override
    {
      return potential.description();
    }

  private:
    /// Whether @p points are those of the kept batch.
    bool
    is_cached(const DenseMatrix &points) const;

    const Potential            &potential;
    mutable bool                cached = false;
    mutable DenseMatrix         cached_points;
    mutable std::vector<double> cached_values;
    mutable DenseMatrix         cached_gradients;
  };
} // namespace kwfp

#endif
