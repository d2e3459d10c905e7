#include <kwfp/base/errors.h>
#include <kwfp/forward_model/expression_forward_model.h>

namespace kwfp
{
  ExpressionForwardModel::ExpressionForwardModel(
    const unsigned int                   dimension,
    const std::string                   &expressions,
    const std::map<std::string, double> &constants,
    const std::string                   &parameter)
    : d(dimension)
  {
    const std::vector<std::string> texts = split_expressions(expressions);
    if (texts.empty())
      throw InputError(parameter,
                       "needs at least one expression (components of G "
                       "separated by ';')");
    for (const std::string &text : texts)
      components.push_back(
        std::make_unique<ScalarExpression>(text, d, constants, parameter));
  }


  void
  ExpressionForwardModel::evaluate(const dealii::ArrayView<const double> &u,
                                   const dealii::ArrayView<double> &G) const
  {
    for (unsigned int k = 0; k < components.size(); ++k)
      G[k] = components[k]->value(u);
  }


  std::string
  ExpressionForwardModel::description() const
  {
    std::string text = "forward map G(u) = (";
    for (unsigned int k = 0; k < components.size(); ++k)
      text += (k ? "; " : "") + components[k]->text();
    return text + ")";
  }
} // namespace kwfp
