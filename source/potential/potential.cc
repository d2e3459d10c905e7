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


  DenseMatrix
  Potential::hessian(const dealii::ArrayView<const double> &) const
  {
    throw std::logic_error("this potential has no Hessian: " + description());
  }
} // namespace kwfp
