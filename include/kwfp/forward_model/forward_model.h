#ifndef kwfp_forward_model_forward_model_h
#define kwfp_forward_model_forward_model_h

#include <kwfp/base/dense_algebra.h>

#include <deal.II/base/array_view.h>

#include <string>
#include <vector>

namespace kwfp
{
  /**
   * @brief A forward map G : R^d -> R^K of the inverse problem
   * y = G(u) + eta, (1.1) of Garbuno-Inigo et al. (2020).
   *
   * The derivative-free ensemble methods (eks, eki, herty-visconti) only call
   * evaluate(). To add a forward model, derive from this class in one file
   * and register it (forward_model_registry, forward_model_factory.h).
   */
  class ForwardModel
  {
  public:
    virtual ~ForwardModel() = default;

    /// d, the dimension of u.
    virtual unsigned int
    dimension() const = 0;

    /// K, the number of observations.
    virtual unsigned int
    n_data() const = 0;

    /**
     * G(u), written into @p G (length K). May produce inf or NaN: callers
     * check.
     */
    virtual void
    evaluate(const dealii::ArrayView<const double> &u,
             const dealii::ArrayView<double>       &G) const = 0;

    /**
     * G at many points: row j of @p values (n x K) is G at row j of
     * @p points (n x d). The default calls evaluate() row by row.
     */
    virtual void
    evaluate_rows(const DenseMatrix &points, DenseMatrix &values) const;

    /**
     * The Jacobian DG(u) (K x d). The default uses central differences with
     * step h_i = cbrt(eps) max(1, |u_i|), error O(h^2).
     */
    virtual DenseMatrix
    jacobian(const dealii::ArrayView<const double> &u) const;

    /**
     * G and DG at many points: row j of @p values (n x K) is G at row j of
     * @p points (n x d), @p jacobians[j] (K x d) is DG there. The default
     * calls evaluate_rows() and jacobian() row by row; a model whose calls
     * are expensive one by one (an external command) does it in one batch.
     */
    virtual void
    evaluate_with_jacobians(const DenseMatrix        &points,
                            DenseMatrix              &values,
                            std::vector<DenseMatrix> &jacobians) const;

    /**
     * Whether each call has a high fixed cost (an external command), so
     * that callers should put all the points they have into one
     * evaluate_rows() rather than one per block (the particles' blocks keep
     * the arithmetic of matrix products independent of the rank count;
     * for a pointwise G the batch does not change a number).
     */
    virtual bool
    prefers_one_batch() const
    {
      return false;
    }

    /// The matrix A when G(u) = A u; nullptr otherwise.
    virtual const DenseMatrix *
    linear_matrix() const
    {
      return nullptr;
    }

    /// One line saying what G is.
    virtual std::string
    description() const = 0;
  };
} // namespace kwfp

#endif
