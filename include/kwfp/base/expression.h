#ifndef kwfp_base_expression_h
#define kwfp_base_expression_h

#include <deal.II/base/array_view.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace mu
{
  class Parser;
}

namespace kwfp
{
  /**
   * @brief A scalar function of u in R^d given as a muparser expression.
   *
   * The coordinates are the variables u1, ..., ud, and for d <= 3 also x, y,
   * z. The constants pi and e, and any user constants, are defined. Works in
   * any dimension (the particle module needs d > 3). Use the C-style ternary
   * `c ? a : b` rather than `if(c, a, b)`, which evaluates both branches.
   */
  class ScalarExpression
  {
  public:
    /**
     * Parse @p expression. Throws InputError naming @p parameter when
     * muparser cannot parse it or it uses an unknown variable.
     */
    ScalarExpression(const std::string                   &expression,
                     const unsigned int                   dimension,
                     const std::map<std::string, double> &constants,
                     const std::string                   &parameter);
    ~ScalarExpression();

    ScalarExpression(const ScalarExpression &) = delete;
    ScalarExpression &
    operator=(const ScalarExpression &) = delete;

    /// The value at @p u (may be inf or NaN: callers check).
    double
    value(const dealii::ArrayView<const double> &u) const;

    /// The expression as written.
    const std::string &
    text() const;

  private:
    const std::string           expression;
    mutable std::vector<double> variables;
    std::unique_ptr<mu::Parser> parser;
  };

  /**
   * Parse "name=value, name=value" into a map of constants for
   * ScalarExpression; throws InputError naming @p parameter.
   */
  std::map<std::string, double>
  parse_constants(const std::string &text, const std::string &parameter);

  /// Split a list of expressions separated by ';'.
  std::vector<std::string>
  split_expressions(const std::string &text);

  /// @p text without the blanks (spaces and tabs) at its two ends.
  std::string
  trim_blanks(std::string text);
} // namespace kwfp

#endif
