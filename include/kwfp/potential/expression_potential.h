#ifndef kwfp_potential_expression_potential_h
#define kwfp_potential_expression_potential_h

#include <kwfp/base/expression.h>
#include <kwfp/potential/potential.h>

#include <memory>
#include <vector>

namespace kwfp
{
  /**
   * @brief Phi_R and grad Phi_R given as muparser expressions in u1..ud
   * (and x, y, z for d <= 3).
   */
  class ExpressionPotential : public Potential
  {
  public:
    /**
     * @p gradient holds d expressions separated by ';'. Throws InputError
     * naming @p parameter_path + "/Phi_R" or "/Gradient".
     */
    ExpressionPotential(const unsigned int                   dimension,
                        const std::string                   &value,
                        const std::string                   &gradient,
                        const std::map<std::string, double> &constants,
                        const std::string                   &parameter_path);

    /// d, as given.
    unsigned int
    dimension() const override
    {
      return d;
    }
    /// The Phi_R expression at u.
    double
    value(const dealii::ArrayView<const double> &u) const override
    {
      return value_expression->value(u);
    }
    /// The d gradient expressions at u.
    void
    gradient(const dealii::ArrayView<const double> &u,
             const dealii::ArrayView<double>       &gradient) const override;
    /// "expression Phi_R = " and its text.
    std::string
    description() const override;

  private:
    const unsigned int                             d;
    std::unique_ptr<ScalarExpression>              value_expression;
    std::vector<std::unique_ptr<ScalarExpression>> gradient_expressions;
  };

  /**
   * Compare grad Phi_R with central differences of Phi_R at @p points; throw
   * InputError naming @p parameter when they disagree by more than 1e-4
   * relative, so that an inconsistent user gradient cannot silently give a
   * wrong answer.
   */
  void
  check_gradient_against_differences(
    const Potential                        &potential,
    const std::vector<std::vector<double>> &points,
    const std::string                      &parameter);
} // namespace kwfp

#endif
