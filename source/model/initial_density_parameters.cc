#include <kwfp/base/errors.h>
#include <kwfp/base/expression.h>
#include <kwfp/model/initial_density_parameters.h>

#include <cmath>

namespace kwfp
{
  using namespace dealii;


  void
  InitialDensityParameters::declare_parameters(ParameterHandler &prm)
  {
    initial_density_selection().declare(
      prm,
      "Type",
      "Gaussian",
      "The initial density rho_0: a Gaussian N(m_0, C_0); "
      "an expression (normalized numerically to mass 1; "
      "finite element only); 'product': independent "
      "coordinates, see 'Coordinate distributions'; 'file': "
      "the initial ensemble read from 'Ensemble file' "
      "(particles only).");
    prm.declare_entry("Mean m_0",
                      "-1.5, 1.5",
                      Patterns::Anything(),
                      "Mean m_0 of the Gaussian initial density (d numbers).");
    prm.declare_entry("Covariance C_0",
                      "1.0, -0.3; -0.3, 0.6",
                      Patterns::Anything(),
                      "Covariance C_0 of the Gaussian initial density "
                      "(d x d, SPD).");
    prm.declare_entry("Expression",
                      "exp(-x^2 - y^2)",
                      Patterns::Anything(),
                      "Unnormalized initial density (non-negative), muparser "
                      "syntax in u1..ud or x, y, z.");
    prm.declare_entry("Constants",
                      "",
                      Patterns::Anything(),
                      "Constants for the expression: 'a=1, b=2'.");
    prm.declare_entry(
      "Edge smoothing",
      "0",
      Patterns::Double(),
      "Finite elements, 'Type = product': each uniform(a, b) factor is "
      "replaced by its convolution with N(0, s^2), s this value, i.e. the law "
      "of U + s Z, (Phi((u - a)/s) - Phi((u - b)/s)) / (b - a), so that the "
      "mesh can resolve its edges (0: the sharp uniform). The particles "
      "draw the sharp uniform.");
    prm.declare_entry("Coordinate distributions",
                      "normal(0, 1); uniform(90, 110)",
                      Patterns::Anything(),
                      "For 'Type = product': one distribution per coordinate "
                      "(or one for all), separated by ';': 'normal(mean, "
                      "standard deviation)' or 'uniform(a, b)'. The paper's "
                      "Section 5 uses 'normal(0, 1); uniform(90, 110)'.");
    prm.declare_entry("Ensemble file",
                      "",
                      Patterns::Anything(),
                      "For 'Type = file': a CSV file with one particle per "
                      "row (d numbers; a header line is skipped).");
  }


  /// "normal(0, 1); uniform(90, 110)": d distributions or one for all.
  std::vector<CoordinateDistribution>
  parse_coordinate_distributions(const std::string &text, const unsigned int d)
  {
    const std::string parameter = "Initial density/Coordinate distributions";
    std::vector<CoordinateDistribution> result;
    for (std::string item : split_expressions(text))
      {
        item            = trim_blanks(item);
        const auto open = item.find('('), close = item.rfind(')');
        if (open == std::string::npos || close == std::string::npos ||
            close < open ||
            item.find_first_not_of(" \t", close + 1) != std::string::npos)
          throw InputError(parameter,
                           "'" + item +
                             "' is not 'normal(mean, sd)' or 'uniform(a, b)'");
        const std::string         name = trim_blanks(item.substr(0, open));
        const std::vector<double> arguments =
          parse_vector(item.substr(open + 1, close - open - 1), parameter, 2);
        CoordinateDistribution c;
        c.a = arguments[0];
        c.b = arguments[1];
        if (name == "uniform")
          {
            c.uniform = true;
            if (!(c.a < c.b))
              throw InputError(parameter,
                               "'" + item + "' needs a < b in uniform(a, b)");
          }
        else if (name == "normal")
          {
            if (!(c.b > 0))
              throw InputError(parameter,
                               "'" + item +
                                 "' needs a positive standard deviation");
          }
        else
          throw InputError(parameter,
                           "unknown distribution '" + name +
                             "'; use normal(mean, sd) or uniform(a, b)");
        result.push_back(c);
      }
    if (result.size() == 1)
      result.resize(d, result[0]);
    if (result.size() != d)
      throw InputError(parameter,
                       "give one distribution or d = " + std::to_string(d) +
                         ", got " + std::to_string(result.size()));
    return result;
  }



  void
  InitialDensityParameters::parse_parameters(const ParameterHandler &prm,
                                             const unsigned int      dimension,
                                             const bool         finite_element,
                                             const bool         particles,
                                             const std::string &path)
  {
    type = initial_density_selection().parse(prm.get("Type"), path + "Type");
    if (type == InitialDensityType::gaussian)
      {
        mean = to_dense_vector(
          parse_vector(prm.get("Mean m_0"), path + "Mean m_0", dimension));
        covariance = parse_spd_matrix(prm.get("Covariance C_0"),
                                      path + "Covariance C_0",
                                      dimension);
      }
    else if (type == InitialDensityType::product)
      {
        coordinates =
          parse_coordinate_distributions(prm.get("Coordinate distributions"),
                                         dimension);
        edge_smoothing = prm.get_double("Edge smoothing");
        if (!(edge_smoothing >= 0) || !std::isfinite(edge_smoothing))
          throw InputError(path + "Edge smoothing",
                           "must be 0 or positive, got " +
                             prm.get("Edge smoothing"));
      }
    else if (type == InitialDensityType::file)
      {
        if (finite_element)
          throw InputError(path + "Type",
                           "'file' gives an initial ensemble, not a density: "
                           "it needs 'Solver = particles'");
        ensemble_file = prm.get("Ensemble file");
        if (ensemble_file.empty())
          throw InputError(path + "Ensemble file",
                           "must name a CSV file when 'Type = file'");
      }
    else
      {
        if (particles)
          throw InputError(path + "Type",
                           "the particles cannot be drawn from an expression; "
                           "use Gaussian, product or file");
        expression = prm.get("Expression");
        constants  = parse_constants(prm.get("Constants"), path + "Constants");
      }
  }
} // namespace kwfp
