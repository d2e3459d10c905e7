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

    unsigned int
    dimension() const override;
    unsigned int
    n_data() const override;
    void
    evaluate(const dealii::ArrayView<const double> &u,
             const dealii::ArrayView<double>       &G) const override;
    /// U A^T, one matrix product.
    void
    evaluate_rows(const DenseMatrix &points,
                  DenseMatrix       &values) const override;
    DenseMatrix
    jacobian(const dealii::ArrayView<const double> &u) const override;
    const DenseMatrix *
    linear_matrix() const override;
    std::string
    description() const override;

  private:
    const DenseMatrix A;
  };
} // namespace kwfp

#endif
