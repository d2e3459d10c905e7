#include <kwfp/base/errors.h>
#include <kwfp/potential/logistic_regression_potential.h>

#include <cmath>
#include <fstream>
#include <sstream>

namespace kwfp
{
  namespace
  {
    /// log(1 + e^z) without overflow.
    double
    softplus(const double z)
    {
      return z > 0 ? z + std::log1p(std::exp(-z)) : std::log1p(std::exp(z));
    }

    double
    sigmoid(const double z)
    {
      if (z >= 0)
        return 1 / (1 + std::exp(-z));
      const double e = std::exp(z);
      return e / (1 + e);
    }
  } // namespace


  LogisticRegressionPotential::LogisticRegressionPotential(
    const DenseMatrix         &features,
    const std::vector<double> &labels,
    const double               prior_variance)
    : X(features)
    , y(labels)
    , prior_variance(prior_variance)
  {}


  LogisticRegressionPotential
  LogisticRegressionPotential::from_csv(const std::string &filename,
                                        const unsigned int d,
                                        const double       prior_variance,
                                        const std::string &parameter)
  {
    std::ifstream in(filename);
    if (!in)
      throw InputError(parameter, "cannot open '" + filename + "'");
    std::vector<std::vector<double>> rows;
    std::string                      line;
    unsigned int                     line_number = 0;
    while (std::getline(in, line))
      {
        ++line_number;
        if (line.find_first_not_of(" \t\r") == std::string::npos)
          continue;
        std::vector<double> row;
        std::stringstream   fields(line);
        std::string         field;
        bool                numeric = true;
        while (std::getline(fields, field, ','))
          {
            char        *end;
            const double v = std::strtod(field.c_str(), &end);
            if (end == field.c_str() ||
                std::string(end).find_first_not_of(" \t\r") !=
                  std::string::npos ||
                !std::isfinite(v))
              numeric = false;
            row.push_back(v);
          }
        if (!numeric)
          {
            if (rows.empty() && line_number == 1)
              continue; // header
            throw InputError(parameter,
                             "line " + std::to_string(line_number) + " of '" +
                               filename + "' is not a list of numbers");
          }
        if (row.size() != d + 1)
          throw InputError(parameter,
                           "line " + std::to_string(line_number) + " of '" +
                             filename + "' has " + std::to_string(row.size()) +
                             " columns; expected d = " + std::to_string(d) +
                             " features and the label");
        if (row[d] != 0 && row[d] != 1)
          throw InputError(parameter,
                           "line " + std::to_string(line_number) + " of '" +
                             filename + "': the label must be 0 or 1");
        rows.push_back(row);
      }
    if (rows.empty())
      throw InputError(parameter, "'" + filename + "' has no data rows");
    DenseMatrix         X(rows.size(), d);
    std::vector<double> y(rows.size());
    for (unsigned int i = 0; i < rows.size(); ++i)
      {
        for (unsigned int a = 0; a < d; ++a)
          X(i, a) = rows[i][a];
        y[i] = rows[i][d];
      }
    return LogisticRegressionPotential(X, y, prior_variance);
  }


  double
  LogisticRegressionPotential::value(
    const dealii::ArrayView<const double> &u) const
  {
    double phi = 0;
    for (unsigned int i = 0; i < X.m(); ++i)
      {
        double z = 0;
        for (unsigned int a = 0; a < X.n(); ++a)
          z += X(i, a) * u[a];
        phi += softplus(z) - y[i] * z;
      }
    for (unsigned int a = 0; a < X.n(); ++a)
      phi += u[a] * u[a] / (2 * prior_variance);
    return phi;
  }


  void
  LogisticRegressionPotential::gradient(
    const dealii::ArrayView<const double> &u,
    const dealii::ArrayView<double>       &gradient) const
  {
    for (unsigned int a = 0; a < X.n(); ++a)
      gradient[a] = u[a] / prior_variance;
    for (unsigned int i = 0; i < X.m(); ++i)
      {
        double z = 0;
        for (unsigned int a = 0; a < X.n(); ++a)
          z += X(i, a) * u[a];
        const double r = sigmoid(z) - y[i];
        for (unsigned int a = 0; a < X.n(); ++a)
          gradient[a] += r * X(i, a);
      }
  }


  void
  LogisticRegressionPotential::gradients(const DenseMatrix &points,
                                         DenseMatrix       &gradients) const
  {
    // Z = U X^T (J x n), R = sigma(Z) - 1 y^T, G = R X + U / s^2.
    gradients.reinit(points.m(), X.n());
    if (points.m() == 0)
      return;
    DenseMatrix Z(points.m(), X.m());
    points.mTmult(Z, X);
    for (unsigned int j = 0; j < Z.m(); ++j)
      for (unsigned int i = 0; i < Z.n(); ++i)
        Z(j, i) = sigmoid(Z(j, i)) - y[i];
    Z.mmult(gradients, X);
    for (unsigned int j = 0; j < points.m(); ++j)
      for (unsigned int a = 0; a < X.n(); ++a)
        gradients(j, a) += points(j, a) / prior_variance;
  }


  DenseMatrix
  LogisticRegressionPotential::hessian(
    const dealii::ArrayView<const double> &u) const
  {
    const unsigned int d = X.n();
    DenseMatrix        H(d, d);
    for (unsigned int a = 0; a < d; ++a)
      H(a, a) = 1 / prior_variance;
    for (unsigned int i = 0; i < X.m(); ++i)
      {
        double z = 0;
        for (unsigned int a = 0; a < d; ++a)
          z += X(i, a) * u[a];
        const double s = sigmoid(z), w = s * (1 - s);
        for (unsigned int a = 0; a < d; ++a)
          for (unsigned int b = 0; b < d; ++b)
            H(a, b) += w * X(i, a) * X(i, b);
      }
    return H;
  }


  std::string
  LogisticRegressionPotential::description() const
  {
    std::ostringstream s;
    s << "Bayesian logistic regression, " << X.m()
      << " observations, d = " << X.n() << ", prior N(0, " << prior_variance
      << " I)";
    return s.str();
  }
} // namespace kwfp
