#include <kwfp/base/errors.h>
#include <kwfp/forward_model/elliptic_forward_model.h>

#include <cmath>
#include <sstream>

namespace kwfp
{
  EllipticForwardModel::EllipticForwardModel(
    const unsigned int         dimension,
    const std::vector<double> &observation_points)
    : points(observation_points)
  {
    if (dimension != 2)
      throw InputError("Dimension",
                       "the elliptic-1d forward model has two unknowns "
                       "(u_1 = log diffusivity, u_2 = p(1)); got d = " +
                         std::to_string(dimension));
    if (points.empty())
      throw InputError("Potential/Inverse problem/Observation points",
                       "needs at least one point");
    for (const double x : points)
      if (!(x > 0 && x < 1))
        {
          std::ostringstream s;
          s << "every point must lie in (0, 1), got " << x;
          throw InputError("Potential/Inverse problem/Observation points",
                           s.str());
        }
  }


  void
  EllipticForwardModel::evaluate(const dealii::ArrayView<const double> &u,
                                 const dealii::ArrayView<double>       &G) const
  {
    const double e = std::exp(-u[0]);
    for (unsigned int k = 0; k < points.size(); ++k)
      {
        const double x = points[k];
        G[k]           = u[1] * x + e * (x - x * x) / 2;
      }
  }


  DenseMatrix
  EllipticForwardModel::jacobian(const dealii::ArrayView<const double> &u) const
  {
    const double e = std::exp(-u[0]);
    DenseMatrix  J(points.size(), 2);
    for (unsigned int k = 0; k < points.size(); ++k)
      {
        const double x = points[k];
        J(k, 0)        = -e * (x - x * x) / 2;
        J(k, 1)        = x;
      }
    return J;
  }


  std::string
  EllipticForwardModel::description() const
  {
    std::ostringstream s;
    s << "elliptic-1d (5.2)-(5.3), observed at x =";
    for (const double x : points)
      s << " " << x;
    return s.str();
  }
} // namespace kwfp
