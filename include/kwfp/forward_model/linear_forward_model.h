#ifndef kwfp_forward_model_linear_forward_model_h
#define kwfp_forward_model_linear_forward_model_h

#include <kwfp/forward_model/forward_model.h>

namespace kwfp
{
  /// @brief The linear forward map G(u) = A u, A of size K x d (Section 4.3).
  class LinearForwardModel : public ForwardModel
  {
  public:
    /// G(u) = @p A u.
    explicit LinearForwardModel(const DenseMatrix &A);

    /// d, the number of columns of A.
    unsigned int
    dimension() const override
    {
      return A.n();
    }
    /// K, the number of rows of A.
    unsigned int
    n_data() const override
    {
      return A.m();
    }
    /// G(u) = A u.
    void
    evaluate(const dealii::ArrayView<const double> &u,
             const dealii::ArrayView<double>       &G) const override;
    /// U A^T, one matrix product.
    void
    evaluate_rows(const DenseMatrix &points, DenseMatrix &values) const override
    {
      values.reinit(points.m(), A.m());
      if (points.m() > 0)
        points.mTmult(values, A);
    }
    /// DG = A, the same at every u.
    DenseMatrix
    jacobian(const dealii::ArrayView<const double> &) const override
    {
      return A;
    }
    /// &A.
    const DenseMatrix *
    linear_matrix() const override
    {
      return &A;
    }
    /// "linear forward map G(u) = A u" and the size of A.
    std::string
    description() const override;

  private:
    const DenseMatrix A;
  };
} // namespace kwfp

#endif
