#include <kwfp/forward_model/forward_model.h>

#include <cmath>
#include <limits>
#include <vector>

namespace kwfp
{
  void
  ForwardModel::evaluate_rows(const DenseMatrix &points,
                              DenseMatrix       &values) const
  {
    const unsigned int d = dimension(), K = n_data();
    values.reinit(points.m(), K);
    for (unsigned int j = 0; j < points.m(); ++j)
      evaluate(dealii::ArrayView<const double>(&points(j, 0), d),
               dealii::ArrayView<double>(&values(j, 0), K));
  }


  DenseMatrix
  ForwardModel::jacobian(const dealii::ArrayView<const double> &u) const
  {
    const unsigned int  d = dimension(), K = n_data();
    DenseMatrix         J(K, d);
    std::vector<double> v(u.begin(), u.end()), plus(K), minus(K);
    const double scale = std::cbrt(std::numeric_limits<double>::epsilon());
    for (unsigned int i = 0; i < d; ++i)
      {
        const double h = scale * std::max(1.0, std::abs(u[i]));
        v[i]           = u[i] + h;
        evaluate(dealii::make_array_view(v), dealii::make_array_view(plus));
        v[i] = u[i] - h;
        evaluate(dealii::make_array_view(v), dealii::make_array_view(minus));
        v[i] = u[i];
        for (unsigned int k = 0; k < K; ++k)
          J(k, i) = (plus[k] - minus[k]) / (2 * h);
      }
    return J;
  }


  void
  ForwardModel::evaluate_with_jacobians(
    const DenseMatrix        &points,
    DenseMatrix              &values,
    std::vector<DenseMatrix> &jacobians) const
  {
    evaluate_rows(points, values);
    jacobians.resize(points.m());
    for (unsigned int j = 0; j < points.m(); ++j)
      jacobians[j] =
        jacobian(dealii::ArrayView<const double>(&points(j, 0), dimension()));
  }
} // namespace kwfp
