#include <kwfp/base/errors.h>
#include <kwfp/base/expression.h>

#include <muParser.h>

#include <cmath>

namespace kwfp
{
  ScalarExpression::ScalarExpression(
    const std::string                   &expression,
    const unsigned int                   dimension,
    const std::map<std::string, double> &constants,
    const std::string                   &parameter)
    : expression(expression)
    , variables(dimension, 0.0)
    , parser(std::make_unique<mu::Parser>())
  {
    try
      {
        parser->DefineConst("pi", M_PI);
        parser->DefineConst("e", M_E);
        for (const auto &[name, value] : constants)
          parser->DefineConst(name, value);
        const char *short_names[] = {"x", "y", "z"};
        for (unsigned int i = 0; i < dimension; ++i)
          {
            parser->DefineVar("u" + std::to_string(i + 1), &variables[i]);
            if (dimension <= 3)
              parser->DefineVar(short_names[i], &variables[i]);
          }
        parser->SetExpr(expression);
        // Evaluating once makes muparser report unknown variables and
        // syntax errors now rather than during the run.
        parser->Eval();
      }
    catch (const mu::Parser::exception_type &e)
      {
        throw InputError(parameter,
                         "cannot parse expression '" + expression +
                           "': " + e.GetMsg());
      }
  }


  ScalarExpression::~ScalarExpression() = default;


  double
  ScalarExpression::value(const dealii::ArrayView<const double> &u) const
  {
    for (unsigned int i = 0; i < variables.size(); ++i)
      variables[i] = u[i];
    return parser->Eval();
  }


  const std::string &
  ScalarExpression::text() const
  {
    return expression;
  }


  std::map<std::string, double>
  parse_constants(const std::string &text, const std::string &parameter)
  {
    std::map<std::string, double> constants;
    std::string                   item;
    std::size_t                   start = 0;
    while (start <= text.size())
      {
        const std::size_t end = std::min(text.find(',', start), text.size());
        item                  = text.substr(start, end - start);
        start                 = end + 1;
        if (item.find_first_not_of(" \t") == std::string::npos)
          continue;
        const std::size_t equal = item.find('=');
        if (equal == std::string::npos)
          throw InputError(parameter,
                           "constant '" + item +
                             "' is not of the form name=value");
        const std::string name  = trim_blanks(item.substr(0, equal));
        const std::string value = item.substr(equal + 1);
        double            v     = 0;
        try
          {
            std::size_t consumed = 0;
            v                    = std::stod(value, &consumed);
            if (value.find_first_not_of(" \t", consumed) != std::string::npos)
              throw std::invalid_argument("trailing characters");
          }
        catch (const std::exception &)
          {
            throw InputError(parameter,
                             "value of constant '" + name +
                               "' is not a number");
          }
        if (name.empty())
          throw InputError(parameter, "a constant has no name");
        constants[name] = v;
      }
    return constants;
  }


  std::vector<std::string>
  split_expressions(const std::string &text)
  {
    std::vector<std::string> parts;
    std::size_t              start = 0;
    while (true)
      {
        const std::size_t end = text.find(';', start);
        parts.push_back(text.substr(start, end - start));
        if (end == std::string::npos)
          break;
        start = end + 1;
      }
    return parts;
  }


  std::string
  trim_blanks(std::string text)
  {
    text.erase(0, text.find_first_not_of(" \t"));
    text.erase(text.find_last_not_of(" \t") + 1);
    return text;
  }
} // namespace kwfp
