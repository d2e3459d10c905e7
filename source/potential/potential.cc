#include <kwfp/potential/potential.h>

#include <stdexcept>

namespace kwfp
{
  void
  Potential::gradients(const DenseMatrix &points, DenseMatrix &gradients) const
  {
    const unsigned int d = dimension();
    gradients.reinit(points.m(), d);
    for (unsigned int j = 0; j < points.m(); ++j)
      gradient(dealii::ArrayView<const double>(&points(j, 0), d),
               dealii::ArrayView<double>(&gradients(j, 0), d));
  }


  void
  Potential::values(const DenseMatrix   &points,
                    std::vector<double> &values) const
  {
    const unsigned int d = dimension();
    values.resize(points.m());
    for (unsigned int j = 0; j < points.m(); ++j)
      values[j] = value(dealii::ArrayView<const double>(&points(j, 0), d));
  }


  void
  Potential::values_and_gradients(const DenseMatrix   &points,
                                  std::vector<double> &values,
                                  DenseMatrix         &gradients) const
  {
    this->values(points, values);
    this->gradients(points, gradients);
  }


  DenseMatrix
  Potential::hessian(const dealii::ArrayView<const double> &) const
  {
    throw std::logic_error("this potential has no Hessian: " + description());
  }
} // namespace kwfp
