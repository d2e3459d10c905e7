#include <kwfp/forward_model/linear_forward_model.h>

namespace kwfp
{
  LinearForwardModel::LinearForwardModel(const DenseMatrix &A)
    : A(A)
  {}


  void
  LinearForwardModel::evaluate(const dealii::ArrayView<const double> &u,
                               const dealii::ArrayView<double>       &G) const
  {
    for (unsigned int k = 0; k < A.m(); ++k)
      {
        double value = 0;
        for (unsigned int i = 0; i < A.n(); ++i)
          value += A(k, i) * u[i];
        G[k] = value;
      }
  }


  std::string
  LinearForwardModel::description() const
  {
    return "linear forward map G(u) = A u, A of size " + std::to_string(A.m()) +
           " x " + std::to_string(A.n());
  }
} // namespace kwfp
