#include <kwfp/base/errors.h>
#include <kwfp/base/expression.h>
#include <kwfp/forward_model/external_forward_model.h>
#include <kwfp/forward_model/forward_model_factory.h>
#include <kwfp/potential/logistic_regression_potential.h>
#include <kwfp/potential/potential_parameters.h>

#include <cmath>

namespace kwfp
{
  using namespace dealii;


  namespace
  {
    /// The subsection 'Inverse problem': G, y, Gamma, Gamma_0, m_prior.
    void
    declare_inverse_problem(ParameterHandler &prm)
    {
      prm.enter_subsection("Inverse problem");
      {
        std::string models;
        for (const std::string &m : forward_model_registry::list())
          models += " '" + m + "'.";
        prm.declare_entry("Forward model",
                          "linear",
                          Patterns::Anything(),
                          "The forward map G: 'linear' G(u) = A u, "
                          "'expression' (one muparser expression per "
                          "observation), 'external' (a program of yours, "
                          "'External command'), or a registered model:" +
                            models +
                            " grad Phi_R uses the Jacobian of G: A, the "
                            "model's own, or central differences.");
      }
      prm.declare_entry(
        "External command",
        "",
        Patterns::Anything(),
        "With 'Forward model = external': the command line of the program "
        "that computes G (run by /bin/sh -c, in the working directory). "
        "kwfp appends two file names, INPUT and OUTPUT: INPUT is a CSV file "
        "with the header u1,..,ud and one row per point (17 digits); the "
        "command writes OUTPUT, a CSV file with one row per point of K "
        "numbers G_1..G_K (K = the length of 'Data y'; a header line is "
        "optional). All the points kwfp needs at once go into one call; "
        "the Jacobian is by central differences of 2d more rows per point "
        "in the same call. A non-zero exit status, a missing or short "
        "OUTPUT, a row of another width or a number that is not finite "
        "stops the run (exit 3; exit 2 when the first call, on the prior "
        "mean before any output, fails). See "
        "doc/external_forward_model.md.");
      prm.declare_entry("External timeout",
                        "600",
                        Patterns::Double(),
                        "With 'Forward model = external': seconds one call "
                        "of 'External command' may take; then the command "
                        "(its process group) is killed and the run stops "
                        "(> 0).");
      prm.declare_entry(
        "External Jacobian",
        "central differences",
        Patterns::Selection("central differences|command"),
        "With 'Forward model = external': where the Jacobian DG (for grad "
        "Phi_R: the finite elements, the Gaussian closure's Hessian and "
        "gradient forms, the gradient-based particle methods) comes from. "
        "'central differences': 2d more rows per point in the same call. "
        "'command': the command writes it, every OUTPUT row then has K "
        "(1 + d) numbers: G_1..G_K, then dG_1/du_1..dG_1/du_d, .., "
        "dG_K/du_1..dG_K/du_d.");
      prm.declare_entry("Observation points",
                        "0.25, 0.75",
                        Patterns::Anything(),
                        "Where a registered forward model observes (e.g. "
                        "the points x_k in (0, 1) of elliptic-1d): numbers "
                        "separated by ','.");
      prm.declare_entry("Forward matrix A",
                        "1, 0; 0, 1; 1, 1",
                        Patterns::Anything(),
                        "The forward map G(u) = A u: a K x d matrix, one row "
                        "per observation.");
      prm.declare_entry(
        "Forward map",
        "x; y; x + y",
        Patterns::Anything(),
        "G(u) = (G_1; ..; G_K): K muparser expressions "
        "separated by ';', in u1..ud (and x, y, z for d <= 3).");
      prm.declare_entry("Constants",
                        "",
                        Patterns::Anything(),
                        "Constants for the forward map expressions: "
                        "'a=1, b=2'.");
      prm.declare_entry("Data y",
                        "1, -0.5, 0.5",
                        Patterns::Anything(),
                        "The observed data y (K numbers).");
      prm.declare_entry(
        "Noise covariance Gamma",
        "0.25, 0, 0; 0, 0.25, 0; 0, 0, 0.25",
        Patterns::Anything(),
        "The observational noise covariance Gamma (K x K, SPD).");
      prm.declare_entry("Prior covariance Gamma_0",
                        "4, 0; 0, 4",
                        Patterns::Anything(),
                        "The prior covariance Gamma_0 (d x d, SPD).");
      prm.declare_entry(
        "Prior mean",
        "0, 0",
        Patterns::Anything(),
        "The prior mean m_prior (d numbers; the paper uses 0).");
      prm.leave_subsection();
    }
  } // namespace


  void
  PotentialParameters::declare_parameters(ParameterHandler &prm)
  {
    potential_selection().declare(
      prm,
      "Type",
      "quadratic",
      "The potential Phi_R whose Gibbs density exp(-Phi_R)/Z is the "
      "stationary density (the posterior (1.6)). 'quadratic': "
      "1/2 |u - u_0|^2_B. 'inverse problem': "
      "1/2 |y - G(u)|^2_Gamma + 1/2 |u - m_prior|^2_{Gamma_0}, (1.2)-(1.4), "
      "with the forward map G of 'Inverse problem'. "
      "'expression': Phi_R and its gradient as muparser expressions. "
      "'Gaussian mixture': -log sum_k w_k N(u; mu_k, Sigma_k). "
      "'logistic regression': the Bayesian logistic regression posterior "
      "of the data in 'Logistic regression/Data file'.");
    prm.enter_subsection("Quadratic");
    prm.declare_entry("Minimizer u_0",
                      "1, -0.5",
                      Patterns::Anything(),
                      "The minimizer u_0 of Phi_R = the posterior mean "
                      "(d numbers).");
    prm.declare_entry("Covariance B",
                      "0.5, 0.2; 0.2, 0.8",
                      Patterns::Anything(),
                      "The posterior covariance B (d x d, SPD); "
                      "Phi_R = 1/2 (u - u_0)^T B^{-1} (u - u_0).");
    prm.leave_subsection();
    declare_inverse_problem(prm);
    prm.enter_subsection("Logistic regression");
    prm.declare_entry("Data file",
                      "",
                      Patterns::Anything(),
                      "CSV file, one row per observation: the d features "
                      "x_i, then the label y_i (0 or 1); an optional header "
                      "line. A relative path is relative to the working "
                      "directory.");
    prm.declare_entry("Prior variance",
                      "10",
                      Patterns::Double(),
                      "s^2 of the prior N(0, s^2 I) (> 0).");
    prm.leave_subsection();
    prm.enter_subsection("Gaussian mixture");
    prm.declare_entry("Weights",
                      "0.5, 0.5",
                      Patterns::Anything(),
                      "The weights w_k > 0 of the components (normalized "
                      "to sum 1).");
    prm.declare_entry("Means",
                      "-1.5, 0; 1.5, 0",
                      Patterns::Anything(),
                      "The means mu_k, one row of d numbers per component, "
                      "rows separated by ';'.");
    prm.declare_entry("Covariances",
                      "0.5, 0; 0, 0.5 | 0.5, 0; 0, 0.5",
                      Patterns::Anything(),
                      "The SPD covariances Sigma_k (d x d, rows separated "
                      "by ';'), one per component, separated by '|'.");
    prm.leave_subsection();
    prm.enter_subsection("Expression");
    prm.declare_entry("Phi_R",
                      "0.5*(x^2 + y^2)",
                      Patterns::Anything(),
                      "Phi_R(u) in muparser syntax. Variables u1..ud, and "
                      "x, y, z when d <= 3. Use 'c ? a : b', not 'if(c,a,b)'.");
    prm.declare_entry("Gradient",
                      "x; y",
                      Patterns::Anything(),
                      "grad Phi_R: d expressions separated by ';'. Checked "
                      "against central differences of Phi_R at start.");
    prm.declare_entry("Constants",
                      "",
                      Patterns::Anything(),
                      "Constants for the expressions: 'a=1, b=2'.");
    prm.leave_subsection();
  }


  namespace
  {
    /// The forward model, data and prior of 'Inverse problem' (its entries
    /// named @p path followed by the entry).
    void
    parse_inverse_problem(PotentialParameters    &p,
                          const ParameterHandler &prm,
                          const unsigned int      dimension,
                          const std::string      &path)
    {
      p.forward_model = prm.get("Forward model");
      unsigned int K  = 0;
      if (p.forward_model == "linear")
        {
          p.forward_matrix = parse_matrix(prm.get("Forward matrix A"),
                                          path + "Forward matrix A",
                                          0,
                                          dimension);
          K                = p.forward_matrix.m();
        }
      else if (p.forward_model == "external")
        {
          p.external_command = prm.get("External command");
          if (p.external_command.find_first_not_of(" \t") == std::string::npos)
            throw InputError(path + "External command",
                             "is empty; 'Forward model = external' runs "
                             "this command line with two file names "
                             "appended (INPUT and OUTPUT)");
          p.external_jacobian_from_command =
            prm.get("External Jacobian") == "command";
          p.external_timeout = prm.get_double("External timeout");
          if (!(p.external_timeout > 0) || !std::isfinite(p.external_timeout))
            throw InputError(path + "External timeout",
                             "must be a number of seconds > 0");
          // K is the number of data
          K = parse_vector(prm.get("Data y"), path + "Data y").size();
          if (K == 0)
            throw InputError(path + "Data y",
                             "needs at least one number: with 'Forward "
                             "model = external' its length is K, the "
                             "number of columns the command writes");
        }
      else if (p.forward_model != "expression")
        {
          if (!forward_model_registry::has(p.forward_model))
            {
              std::string known = "linear, expression, external";
              for (const std::string &m : forward_model_registry::list())
                known += ", " + m.substr(0, m.find(':'));
              throw InputError(path + "Forward model",
                               "unknown model '" + p.forward_model +
                                 "'; known: " + known);
            }
          p.observation_points = parse_vector(prm.get("Observation points"),
                                              path + "Observation points");
          p.forward_constants =
            parse_constants(prm.get("Constants"), path + "Constants");
          const auto model = forward_model_registry::create(
            p.forward_model,
            {dimension, p.observation_points, p.forward_constants});
          if (model->dimension() != dimension)
            throw InputError("Dimension",
                             "the forward model '" + p.forward_model +
                               "' has " + std::to_string(model->dimension()) +
                               " unknowns, not " + std::to_string(dimension));
          K = model->n_data();
        }
      else
        {
          p.forward_map = prm.get("Forward map");
          K             = split_expressions(p.forward_map).size();
          if (K == 0)
            throw InputError(path + "Forward map",
                             "needs at least one expression");
          p.forward_constants =
            parse_constants(prm.get("Constants"), path + "Constants");
        }
      p.data =
        to_dense_vector(parse_vector(prm.get("Data y"), path + "Data y", K));
      p.noise_covariance = parse_spd_matrix(prm.get("Noise covariance Gamma"),
                                            path + "Noise covariance Gamma",
                                            K);
      p.prior_covariance = parse_spd_matrix(prm.get("Prior covariance Gamma_0"),
                                            path + "Prior covariance Gamma_0",
                                            dimension);
      p.prior_mean       = to_dense_vector(
        parse_vector(prm.get("Prior mean"), path + "Prior mean", dimension));
      if (p.forward_model == "external")
        {
          // The first call, at the prior mean, before any output: a
          // command that cannot run as given is bad input (exit 2).
          ExternalForwardModel model(p.external_command,
                                     dimension,
                                     K,
                                     p.external_timeout,
                                     p.external_jacobian_from_command);
          // on several ranks a failure ends all of them from the rank that
          // saw it, with the exit code of bad input
          model.set_parallel_failure(2,
                                     "parameter '" + path +
                                       "External command': the first call "
                                       "(at the 'Prior mean') failed: ");
          std::vector<double> G(K);
          try
            {
              model.evaluate(dealii::make_array_view(p.prior_mean.begin(),
                                                     p.prior_mean.end()),
                             dealii::make_array_view(G));
            }
          catch (const std::exception &e)
            {
              throw InputError(path + "External command",
                               std::string("the first call (at the 'Prior "
                                           "mean') failed: ") +
                                 e.what());
            }
        }
    }


    /// The weights, means and covariances of 'Gaussian mixture'.
    void
    parse_gaussian_mixture(PotentialParameters    &p,
                           const ParameterHandler &prm,
                           const unsigned int      dimension,
                           const std::string      &path)
    {
      p.mixture_weights    = parse_vector(prm.get("Weights"), path + "Weights");
      const unsigned int n = p.mixture_weights.size();
      for (const double w : p.mixture_weights)
        if (!(w > 0))
          throw InputError(path + "Weights",
                           "every weight must be > 0, got " +
                             std::to_string(w));
      p.mixture_means =
        parse_matrix(prm.get("Means"), path + "Means", n, dimension);
      const std::string text  = prm.get("Covariances");
      std::size_t       start = 0;
      p.mixture_covariances.clear();
      while (true)
        {
          const std::size_t bar = text.find('|', start);
          p.mixture_covariances.push_back(parse_spd_matrix(
            text.substr(start, bar - start),
            path + "Covariances (component " +
              std::to_string(p.mixture_covariances.size() + 1) + ")",
            dimension));
          if (bar == std::string::npos)
            break;
          start = bar + 1;
        }
      if (p.mixture_covariances.size() != n)
        throw InputError(path + "Covariances",
                         "has " + std::to_string(p.mixture_covariances.size()) +
                           " matrices separated by '|' but 'Weights' has " +
                           std::to_string(n) + " entries");
    }
  } // namespace


  void
  PotentialParameters::parse_parameters(ParameterHandler  &prm,
                                        const unsigned int dimension,
                                        const std::string &path)
  {
    type = potential_selection().parse(prm.get("Type"), path + "Type");
    if (type == PotentialType::quadratic)
      {
        prm.enter_subsection("Quadratic");
        minimizer =
          to_dense_vector(parse_vector(prm.get("Minimizer u_0"),
                                       path + "Quadratic/Minimizer u_0",
                                       dimension));
        covariance = parse_spd_matrix(prm.get("Covariance B"),
                                      path + "Quadratic/Covariance B",
                                      dimension);
        prm.leave_subsection();
      }
    else if (type == PotentialType::inverse_problem)
      {
        prm.enter_subsection("Inverse problem");
        parse_inverse_problem(*this, prm, dimension, path + "Inverse problem/");
        prm.leave_subsection();
      }
    else if (type == PotentialType::logistic_regression)
      {
        prm.enter_subsection("Logistic regression");
        const std::string sub = path + "Logistic regression/";
        data_file             = prm.get("Data file");
        prior_variance        = prm.get_double("Prior variance");
        if (!(prior_variance > 0) || !std::isfinite(prior_variance))
          throw InputError(sub + "Prior variance", "must be > 0");
        // read it now so that a bad file is reported before any output
        LogisticRegressionPotential::from_csv(data_file,
                                              dimension,
                                              prior_variance,
                                              sub + "Data file");
        prm.leave_subsection();
      }
    else if (type == PotentialType::gaussian_mixture)
      {
        prm.enter_subsection("Gaussian mixture");
        parse_gaussian_mixture(*this,
                               prm,
                               dimension,
                               path + "Gaussian mixture/");
        prm.leave_subsection();
      }
    else
      {
        prm.enter_subsection("Expression");
        expression = prm.get("Phi_R");
        gradient   = prm.get("Gradient");
        constants =
          parse_constants(prm.get("Constants"), path + "Expression/Constants");
        prm.leave_subsection();
      }
  }
} // namespace kwfp
