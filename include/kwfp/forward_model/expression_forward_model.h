#ifndef kwfp_forward_model_expression_forward_model_h
#define kwfp_forward_model_expression_forward_model_h

#include <kwfp/base/expression.h>
#include <kwfp/forward_model/forward_model.h>

#include <map>
#include <memory>
#include <vector>

namespace kwfp
{
  /**
   * @brief A forward map given by one muparser expression per component,
   * G_k(u), k = 1..K, in the variables u1..ud (and x, y, z for d <= 3).
   */
  class ExpressionForwardModel : public ForwardModel
  {
  public:
    /**
     * @p expressions holds the K components separated by ';'. Throws
     * InputError naming @p parameter when one cannot be parsed.
     */
    ExpressionForwardModel(const unsigned int                   dimension,
                           const std::string                   &expressions,
                           const std::map<std::string, double> &constants,
                           const std::string                   &parameter);

    /// d, as given.
    unsigned int
    dimension() const override
    {
      return d;
    }
    /// K, the number of expressions.
    unsigned int
    n_data() const override
    {
      return components.size();
    }
    /// G_k(u), the value of expression k at u.
    void
    evaluate(const dealii::ArrayView<const double> &u,
             const dealii::ArrayView<double>       &G) const override;
    /// "forward map G(u) = (" and the expressions.
    std::string
    description() const override;

  private:
    const unsigned int                             d;
    std::vector<std::unique_ptr<ScalarExpression>> components;
  };
} // namespace kwfp

#endif
