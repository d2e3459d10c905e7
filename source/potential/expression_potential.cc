#include <kwfp/base/errors.h>
#include <kwfp/potential/expression_potential.h>

#include <cmath>
#include <sstream>

namespace kwfp
{
  ExpressionPotential::ExpressionPotential(
    const unsigned int                   dimension,
    const std::string                   &value,
    const std::string                   &gradient,
    const std::map<std::string, double> &constants,
    const std::string                   &parameter_path)
    : d(dimension)
    , value_expression(
        std::make_unique<ScalarExpression>(value,
                                           dimension,
                                           constants,
                                           parameter_path + "/Phi_R"))
  {
    const std::vector<std::string> components = split_expressions(gradient);
    if (components.size() != d)
      throw InputError(parameter_path + "/Gradient",
                       "expected " + std::to_string(d) +
                         " expressions separated by ';', found " +
                         std::to_string(components.size()));
    for (const std::string &c : components)
      gradient_expressions.push_back(std::make_unique<ScalarExpression>(
        c, dimension, constants, parameter_path + "/Gradient"));
  }


  void
  ExpressionPotential::gradient(const dealii::ArrayView<const double> &u,
                                const dealii::ArrayView<double>       &g) const
  {
    for (unsigned int i = 0; i < d; ++i)
      g[i] = gradient_expressions[i]->value(u);
  }


  std::string
  ExpressionPotential::description() const
  {
    return "expression Phi_R = " + value_expression->text();
  }


  void
  check_gradient_against_differences(
    const Potential                        &potential,
    const std::vector<std::vector<double>> &points,
    const std::string                      &parameter)
  {
    const unsigned int  d = potential.dimension();
    std::vector<double> g(d);
    for (const std::vector<double> &point : points)
      {
        potential.gradient(dealii::make_array_view(point),
                           dealii::make_array_view(g));
        double scale = 1;
        for (const double x : point)
          scale = std::max(scale, std::abs(x));
        const double h = 1e-5 * scale;
        for (unsigned int i = 0; i < d; ++i)
          {
            std::vector<double> plus = point, minus = point;
            plus[i] += h;
            minus[i] -= h;
            const double difference =
              (potential.value(dealii::make_array_view(plus)) -
               potential.value(dealii::make_array_view(minus))) /
              (2 * h);
            const double tolerance =
              1e-4 * std::max({1.0, std::abs(difference), std::abs(g[i])});
            if (!std::isfinite(g[i]) || !std::isfinite(difference))
              {
                std::ostringstream message;
                message << "Phi_R or its gradient is not finite at u = (";
                for (unsigned int k = 0; k < d; ++k)
                  message << (k ? ", " : "") << point[k];
                message << ") or next to it (e.g. a division by zero)";
                throw InputError(parameter, message.str());
              }
            if (std::abs(difference - g[i]) > tolerance)
              {
                std::ostringstream message;
                message << "component " << i + 1
                        << " of the gradient does not match the derivative "
                           "of Phi_R at u = (";
                for (unsigned int k = 0; k < d; ++k)
                  message << (k ? ", " : "") << point[k];
                message << "): gradient " << g[i] << ", central difference "
                        << difference;
                throw InputError(parameter, message.str());
              }
          }
      }
  }
} // namespace kwfp
