#include <kwfp/app/parameters.h>
#include <kwfp/base/errors.h>
#include <kwfp/base/expression.h>
#include <kwfp/forward_model/forward_model_factory.h>
#include <kwfp/potential/logistic_regression_potential.h>

#include <deal.II/base/exceptions.h>

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <vector>

namespace kwfp
{
  using dealii::ParameterHandler;
  using dealii::Patterns::Anything;
  using dealii::Patterns::Bool;
  using dealii::Patterns::Double;
  using dealii::Patterns::Integer;
  using dealii::Patterns::Selection;

  void
  Parameters::declare(ParameterHandler &prm)
  {
    prm.declare_entry("Dimension",
                      "2",
                      Integer(),
                      "Dimension d of the unknown u (1, 2 or 3 for the "
                      "finite-element solver; any d for the particles).");
    prm.declare_entry(
      "Solver",
      "finite element",
      Selection("finite element|particles|both"),
      "'finite element': the Fokker-Planck equation (4.1) on a mesh (d <= 3). "
      "'particles': the interacting particle system of 'Particles/Method' "
      "(any d). 'both': the two from the same initial density.");

    prm.enter_subsection("Fokker-Planck equation");
    prm.declare_entry(
      "Diffusion matrix",
      "Kalman-Wasserstein",
      Selection(diffusion_matrix_selection().pattern()),
      "The matrix C in d_t rho = div(C (rho grad Phi_R + grad rho)), (4.1) of "
      "Garbuno-Inigo et al. 2020. 'Kalman-Wasserstein': C = C(rho), the "
      "covariance of the current solution, recomputed every step. "
      "'Wasserstein': C = I (classical Fokker-Planck, Ornstein-Uhlenbeck for "
      "a quadratic Phi_R). 'fixed': C = the matrix 'Fixed diffusion matrix'.");
    prm.declare_entry("Fixed diffusion matrix",
                      "1, 0; 0, 1",
                      Anything(),
                      "The symmetric positive definite d x d matrix C used "
                      "when 'Diffusion matrix = fixed'.");
    prm.leave_subsection();

    prm.enter_subsection("Potential");
    prm.declare_entry(
      "Type",
      "quadratic",
      Selection(potential_selection().pattern()),
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
                      Anything(),
                      "The minimizer u_0 of Phi_R = the posterior mean "
                      "(d numbers).");
    prm.declare_entry("Covariance B",
                      "0.5, 0.2; 0.2, 0.8",
                      Anything(),
                      "The posterior covariance B (d x d, SPD); "
                      "Phi_R = 1/2 (u - u_0)^T B^{-1} (u - u_0).");
    prm.leave_subsection();
    prm.enter_subsection("Inverse problem");
    {
      std::string models;
      for (const std::string &m : forward_model_registry::list())
        models += " '" + m + "'.";
      prm.declare_entry("Forward model",
                        "linear",
                        Anything(),
                        "The forward map G: 'linear' G(u) = A u, "
                        "'expression' (one muparser expression per "
                        "observation), or a registered model:" +
                          models +
                          " grad Phi_R uses the Jacobian of G: A, the "
                          "model's own, or central differences.");
    }
    prm.declare_entry("Observation points",
                      "0.25, 0.75",
                      Anything(),
                      "Where a registered forward model observes (e.g. "
                      "the points x_k in (0, 1) of elliptic-1d): numbers "
                      "separated by ','.");
    prm.declare_entry("Forward matrix A",
                      "1, 0; 0, 1; 1, 1",
                      Anything(),
                      "The forward map G(u) = A u: a K x d matrix, one row "
                      "per observation.");
    prm.declare_entry("Forward map",
                      "x; y; x + y",
                      Anything(),
                      "G(u) = (G_1; ..; G_K): K muparser expressions "
                      "separated by ';', in u1..ud (and x, y, z for d <= 3).");
    prm.declare_entry("Constants",
                      "",
                      Anything(),
                      "Constants for the forward map expressions: "
                      "'a=1, b=2'.");
    prm.declare_entry("Data y",
                      "1, -0.5, 0.5",
                      Anything(),
                      "The observed data y (K numbers).");
    prm.declare_entry("Noise covariance Gamma",
                      "0.25, 0, 0; 0, 0.25, 0; 0, 0, 0.25",
                      Anything(),
                      "The observational noise covariance Gamma (K x K, SPD).");
    prm.declare_entry("Prior covariance Gamma_0",
                      "4, 0; 0, 4",
                      Anything(),
                      "The prior covariance Gamma_0 (d x d, SPD).");
    prm.declare_entry("Prior mean",
                      "0, 0",
                      Anything(),
                      "The prior mean m_prior (d numbers; the paper uses 0).");
    prm.leave_subsection();
    prm.enter_subsection("Logistic regression");
    prm.declare_entry("Data file",
                      "",
                      Anything(),
                      "CSV file, one row per observation: the d features "
                      "x_i, then the label y_i (0 or 1); an optional header "
                      "line. A relative path is relative to the working "
                      "directory.");
    prm.declare_entry("Prior variance",
                      "10",
                      Double(),
                      "s^2 of the prior N(0, s^2 I) (> 0).");
    prm.leave_subsection();
    prm.enter_subsection("Gaussian mixture");
    prm.declare_entry("Weights",
                      "0.5, 0.5",
                      Anything(),
                      "The weights w_k > 0 of the components (normalized "
                      "to sum 1).");
    prm.declare_entry("Means",
                      "-1.5, 0; 1.5, 0",
                      Anything(),
                      "The means mu_k, one row of d numbers per component, "
                      "rows separated by ';'.");
    prm.declare_entry("Covariances",
                      "0.5, 0; 0, 0.5 | 0.5, 0; 0, 0.5",
                      Anything(),
                      "The SPD covariances Sigma_k (d x d, rows separated "
                      "by ';'), one per component, separated by '|'.");
    prm.leave_subsection();
    prm.enter_subsection("Expression");
    prm.declare_entry("Phi_R",
                      "0.5*(x^2 + y^2)",
                      Anything(),
                      "Phi_R(u) in muparser syntax. Variables u1..ud, and "
                      "x, y, z when d <= 3. Use 'c ? a : b', not 'if(c,a,b)'.");
    prm.declare_entry("Gradient",
                      "x; y",
                      Anything(),
                      "grad Phi_R: d expressions separated by ';'. Checked "
                      "against central differences of Phi_R at start.");
    prm.declare_entry("Constants",
                      "",
                      Anything(),
                      "Constants for the expressions: 'a=1, b=2'.");
    prm.leave_subsection();
    prm.leave_subsection();

    prm.enter_subsection("Initial density");
    prm.declare_entry("Type",
                      "Gaussian",
                      Selection(initial_density_selection().pattern()),
                      "The initial density rho_0: a Gaussian N(m_0, C_0); "
                      "an expression (normalized numerically to mass 1; "
                      "finite element only); 'product': independent "
                      "coordinates, see 'Coordinate distributions'; 'file': "
                      "the initial ensemble read from 'Ensemble file' "
                      "(particles only).");
    prm.declare_entry("Mean m_0",
                      "-1.5, 1.5",
                      Anything(),
                      "Mean m_0 of the Gaussian initial density (d numbers).");
    prm.declare_entry("Covariance C_0",
                      "1.0, -0.3; -0.3, 0.6",
                      Anything(),
                      "Covariance C_0 of the Gaussian initial density "
                      "(d x d, SPD).");
    prm.declare_entry("Expression",
                      "exp(-x^2 - y^2)",
                      Anything(),
                      "Unnormalized initial density (non-negative), muparser "
                      "syntax in u1..ud or x, y, z.");
    prm.declare_entry("Constants",
                      "",
                      Anything(),
                      "Constants for the expression: 'a=1, b=2'.");
    prm.declare_entry(
      "Edge smoothing",
      "0",
      Double(),
      "Finite elements, 'Type = product': each uniform(a, b) factor is "
      "replaced by its convolution with N(0, s^2), s this value, i.e. the law "
      "of U + s Z, (Phi((u - a)/s) - Phi((u - b)/s)) / (b - a), so that the "
      "mesh can resolve its edges (0: the sharp uniform). The particles "
      "draw the sharp uniform.");
    prm.declare_entry("Coordinate distributions",
                      "normal(0, 1); uniform(90, 110)",
                      Anything(),
                      "For 'Type = product': one distribution per coordinate "
                      "(or one for all), separated by ';': 'normal(mean, "
                      "standard deviation)' or 'uniform(a, b)'. The paper's "
                      "Section 5 uses 'normal(0, 1); uniform(90, 110)'.");
    prm.declare_entry("Ensemble file",
                      "",
                      Anything(),
                      "For 'Type = file': a CSV file with one particle per "
                      "row (d numbers; a header line is skipped).");
    prm.leave_subsection();

    prm.enter_subsection("Particles");
    prm.declare_entry("Method",
                      "eks-gradient",
                      Selection(particle_method_names()),
                      "eks: derivative-free ensemble Kalman sampler (3.1); "
                      "eks-gradient: (3.2), uses grad Phi_R; eki: ensemble "
                      "Kalman inversion (2.4) with perturbed data; eki-opt: "
                      "(2.4) without noise; herty-visconti: (3.1) with C "
                      "replaced by I in the prior and noise terms "
                      "(Section 5.3); langevin: du = -grad Phi_R dt + "
                      "sqrt(2) dW. eks, eki, eki-opt and herty-visconti "
                      "need 'Potential/Type = inverse problem'.");
    prm.declare_entry(
      "Also run methods",
      "",
      Anything(),
      "Particle methods (separated by ';') run one after the other after "
      "the main run, each with the other settings of this subsection, the "
      "same initial ensemble and its own output in "
      "<Output/Directory>/particles_<method>/; their final means and "
      "covariances join posterior_table.csv. E.g. 'eks; eki-opt; "
      "herty-visconti' for the paper's Figure 1 (with any Solver).");
    prm.declare_entry(
      "Initial distributions",
      "",
      Anything(),
      "Empty: the particles are drawn from 'Initial density'. Otherwise a "
      "product of coordinate distributions as in 'Initial density/"
      "Coordinate distributions' (e.g. 'normal(0, 1); uniform(90, 110)') "
      "that only the particles are drawn from, so that the finite "
      "elements can start elsewhere (their comparison at equal times then "
      "has no meaning; use it with 'Solver = finite element' and 'Also run "
      "methods').");
    prm.declare_entry("Ensemble size",
                      "1000",
                      Integer(),
                      "Number of particles J (at least 2; J > d + 1 for a "
                      "covariance of full rank).");
    prm.declare_entry("Finite-ensemble correction",
                      "false",
                      Bool(),
                      "Add (d+1)/J (u_j - ubar) to the drift (ALDI, "
                      "Garbuno-Inigo, Nuesken and Reich 2020): then the "
                      "posterior is invariant for every J > d + 1.");
    prm.declare_entry("Noise square root",
                      "symmetric",
                      Selection("symmetric|Cholesky|ensemble"),
                      "How sqrt(2 C) dW is formed in eks and eks-gradient: "
                      "the symmetric square root of C, its Cholesky factor "
                      "(C must be SPD), or the ensemble square root "
                      "(U - ubar) Z / sqrt(J) with Z in R^J (costs J^2 d "
                      "per step).");
    prm.declare_entry("Time integrator",
                      "Euler-Maruyama",
                      Selection("Euler-Maruyama|split-step"),
                      "Euler-Maruyama, or the linearly implicit split step "
                      "(5.4): implicit in the prior term (eks, "
                      "herty-visconti; the same as Euler-Maruyama for the "
                      "other methods), then the noise.");
    prm.declare_entry("Time step",
                      "0.001",
                      Double(),
                      "The step dt, or dt_0 with 'Adaptive time step'.");
    prm.declare_entry("Adaptive time step",
                      "false",
                      Bool(),
                      "dt_n = dt_0 / (||D_n||_F + delta) (Kovachki and Stuart "
                      "2019), D_n the J x J matrix of (5.4) (never formed). "
                      "Methods with a forward map only.");
    prm.declare_entry("Adaptive delta",
                      "1e-8",
                      Double(),
                      "delta in the adaptive step (> 0).");
    prm.declare_entry("Number of steps",
                      "0",
                      Integer(),
                      "Stop after this many steps (iterations, as the paper's "
                      "30); 0: stop at 'Time stepping/Final time'.");
    prm.declare_entry("Seed",
                      "1",
                      Integer(),
                      "Seed of the random streams (Philox; particle j draws "
                      "from the stream (seed, j), the same on any number of "
                      "ranks).");
    prm.declare_entry("On forward failure",
                      "stop",
                      Selection("stop|drop"),
                      "When G(u_j) (or grad Phi_R(u_j)) is not finite: 'stop' "
                      "the run naming the particle, or 'drop' the particle "
                      "and go on (at least d + 2 must remain).");
    prm.declare_entry("Statistics interval",
                      "1",
                      Integer(),
                      "Write a row of particles.csv every this many steps "
                      "(and at the first and last).");
    prm.declare_entry("Output interval",
                      "10",
                      Integer(),
                      "Write the ensemble as particles-NNNNN.pvtu every this "
                      "many steps (and at the first and last); 0: none.");
    prm.leave_subsection();

    prm.enter_subsection("Comparison");
    prm.declare_entry("Bandwidth rule",
                      "Scott",
                      Selection("Scott|Silverman"),
                      "Bandwidth h of the Gaussian kernel density estimate of "
                      "the particles (kernel covariance h^2 C(U)): Scott "
                      "h = J^{-1/(d+4)}, Silverman "
                      "h = (4/(d+2))^{1/(d+4)} J^{-1/(d+4)}.");
    prm.declare_entry("Decay fit window",
                      "1, 2",
                      Anything(),
                      "Times t_1, t_2: the exponential decay rate of "
                      "KL(rho(t) || rho_inf) is fitted (least squares of ln "
                      "KL against t) over [t_1, t_2] (written to "
                      "kl_decay.csv).");
    prm.leave_subsection();

    prm.enter_subsection("Mesh");
    prm.declare_entry("Lower corner",
                      "-8, -8",
                      Anything(),
                      "Lower corner of the box (d numbers). No-flux boundary.");
    prm.declare_entry("Upper corner",
                      "8, 8",
                      Anything(),
                      "Upper corner of the box (d numbers).");
    prm.declare_entry("Subdivisions",
                      "1",
                      Anything(),
                      "Coarse cells per axis: one number for all axes, or d "
                      "numbers.");
    prm.declare_entry("Global refinements",
                      "6",
                      Integer(),
                      "Times the coarse mesh is refined (each halves h).");
    prm.declare_entry("Finite element degree",
                      "2",
                      Integer(),
                      "Degree of the continuous Lagrange elements Q_p "
                      "(1 or 2).");
    prm.declare_entry(
      "Stabilization",
      "flux-corrected",
      Selection("flux-corrected|low-order|none"),
      "flux-corrected: each Galerkin step is corrected by algebraic flux "
      "correction (FEM-FCT) so that the density stays >= 0 at the nodes "
      "and the mass is conserved, whatever the drift and C; where the "
      "Galerkin step stays >= 0 it is kept unchanged. low-order: the "
      "correction's low-order scheme alone (exponentially fitted edge "
      "fluxes, lumped mass, implicit Euler): positive, conservative, exact "
      "at equilibrium, first order in space and time; needs 'Time "
      "stepping/Scheme = BDF1'. none: the plain Galerkin scheme, which can "
      "produce negative densities when the drift dominates (cell Peclet "
      "number h |grad Phi_R| / 2 > 1).");
    prm.declare_entry(
      "Skip unlimited steps",
      "true",
      Bool(),
      "With 'Stabilization = flux-corrected': true keeps a Galerkin step "
      "that is >= 0 (to -1e-12 of its maximum) and needs no limiting as it "
      "is, without the correction's low-order solve; false solves the "
      "corrected system every step, which where nothing is limited gives "
      "the Galerkin step back to the linear solver's tolerance (a check of "
      "the correction; each step then costs a low-order solve more).");
    prm.declare_entry(
      "Adaptive refinement",
      "false",
      Bool(),
      "Refine the mesh where the density varies and coarsen it where the "
      "density has left (Kelly indicator of the density; d = 2 and 3 only), "
      "at the start and every 'Refinement interval' steps. The solution and "
      "its BDF2 history are carried over with "
      "parallel::distributed::SolutionTransfer and rescaled to their mass.");
    prm.declare_entry("Refinement interval",
                      "5",
                      Integer(),
                      "Adaptive refinement: steps between two adaptations.");
    prm.declare_entry("Refine fraction",
                      "0.3",
                      Double(),
                      "Adaptive refinement: the fraction of cells with the "
                      "largest indicator that are refined.");
    prm.declare_entry("Coarsen fraction",
                      "0.3",
                      Double(),
                      "Adaptive refinement: the fraction of cells with the "
                      "smallest indicator that are coarsened.");
    prm.declare_entry("Minimum refinement level",
                      "0",
                      Integer(),
                      "Adaptive refinement: no cell is coarser than this "
                      "many refinements of the coarse mesh (at most 'Global "
                      "refinements').");
    prm.declare_entry("Maximum refinement level",
                      "8",
                      Integer(),
                      "Adaptive refinement: no cell is finer than this "
                      "many refinements of the coarse mesh (at least "
                      "'Global refinements').");
    prm.declare_entry("Maximum cells",
                      "0",
                      Integer(),
                      "Adaptive refinement: refinement stops at about this "
                      "many cells (0: no limit).");
    prm.declare_entry("Initial refinement cycles",
                      "3",
                      Integer(),
                      "Adaptive refinement: times the mesh is adapted to the "
                      "initial density (interpolated anew each time) before "
                      "the first step.");
    prm.declare_entry(
      "Moving box",
      "false",
      Bool(),
      "Move and resize the box with the density (for densities that travel "
      "or shrink by orders of magnitude, as in the Kalman-Wasserstein flow "
      "from a wide start). Needs a positive scheme (Stabilization). After "
      "every step, per coordinate, the tails of the density are located: "
      "the coordinates below and above which 1e-6 of the mass lies (from "
      "the lumped nodal masses in 1024 bins). The box moves when a tail "
      "comes within half a margin (Box margin) of its wall, or when the box "
      "is more than twice as wide as the tails plus margins. The new box "
      "holds the tails plus a margin on each side; it is meshed as the first "
      "(subdivisions, global refinements, initial refinement cycles) and "
      "rho^n, rho^{n-1}, rho^{n-2} are interpolated onto it (zero outside "
      "the old box) and rescaled to their mass. 'Lower/Upper corner' give "
      "the first box.");
    prm.declare_entry("Box margin",
                      "2",
                      Double(),
                      "Moving box: room beyond the tails of the density, in "
                      "standard deviations of the density in that "
                      "coordinate (between 0.5 and 20).");
    prm.leave_subsection();

    prm.enter_subsection("Time stepping");
    TimeSteppingParameters::declare_parameters(prm);
    prm.leave_subsection();

    prm.enter_subsection("Linear solver");
    LinearSolverParameters::declare_parameters(prm);
    prm.leave_subsection();

    prm.enter_subsection("Metropolis");
    prm.declare_entry("Samples",
                      "0",
                      Integer(),
                      "Random-walk Metropolis samples of exp(-Phi_R) kept "
                      "after the burn-in (0: no chain). The result (mean, "
                      "covariance, standard errors, effective sample sizes, "
                      "acceptance rate) goes to metropolis.csv.");
    prm.declare_entry("Burn-in",
                      "10000",
                      Integer(),
                      "Steps discarded first; the proposal adapts during "
                      "them and is fixed afterwards.");
    prm.declare_entry("Proposal scale tau",
                      "0",
                      Double(),
                      "Proposal N(0, tau Sigma); 0 tunes tau during the "
                      "burn-in for an acceptance rate of 0.25.");
    prm.declare_entry("Proposal covariance",
                      "initial",
                      Anything(),
                      "Sigma: 'initial' (the covariance of the initial "
                      "density: Gaussian or product) or a d x d SPD matrix.");
    prm.declare_entry("Adapt covariance",
                      "true",
                      Bool(),
                      "During the burn-in, replace Sigma by the covariance "
                      "of the burn-in samples so far.");
    prm.declare_entry("Start",
                      "initial",
                      Anything(),
                      "The start point: 'initial' (the mean of the initial "
                      "density) or d numbers.");
    prm.declare_entry("Seed", "1", Integer(), "Seed of the chain (Philox).");
    prm.leave_subsection();

    prm.enter_subsection("Output");
    prm.declare_entry("Directory",
                      "output",
                      Anything(),
                      "Where diagnostics.csv, parameters.prm and the ParaView "
                      "files go (created if missing).");
    prm.declare_entry("Interval",
                      "10",
                      Integer(),
                      "Write the fields every this many steps (and at the "
                      "first and last step); 0 writes no fields.");
    prm.declare_entry("Diagnostics interval",
                      "1",
                      Integer(),
                      "Finite-element runs: write a row of diagnostics.csv "
                      "(KL, I_C, the L1 distances and errors, computed by "
                      "quadrature) every this many steps, and at the first "
                      "and last step; the status lines follow these rows. "
                      "The moments, the checks of C, the mass and the "
                      "density run at every step regardless. Above 1 the "
                      "KL decay fit and the dissipation check use the "
                      "thinner rows.");
    prm.declare_entry("Plots",
                      "false",
                      Bool(),
                      "At the end of a finite-element run, make the PNG plots "
                      "of scripts/plot_results.py in the output directory "
                      "(needs /usr/bin/python3 with matplotlib).");
    prm.declare_entry("Checkpoint interval",
                      "0",
                      Integer(),
                      "Write the whole state of the run to DIR/checkpoint "
                      "every this many time steps (0: not by steps). A run "
                      "continues from it with 'kwfp --resume DIR', with the "
                      "same number of MPI ranks, and gives the same results "
                      "to the last digit as a run that was not stopped. "
                      "SIGINT and SIGTERM always write one.");
    prm.declare_entry("Checkpoint minutes",
                      "30",
                      Double(),
                      "Also write the checkpoint when this many wall-clock "
                      "minutes have passed since the last one (0: not by "
                      "time). The previous checkpoint is kept until the new "
                      "one is complete.");
    prm.leave_subsection();
  }


  namespace
  {
    /// "normal(0, 1); uniform(90, 110)": d distributions or one for all.
    std::vector<Parameters::CoordinateDistribution>
    parse_coordinate_distributions(const std::string &text,
                                   const unsigned int d)
    {
      const std::string parameter = "Initial density/Coordinate distributions";
      std::vector<Parameters::CoordinateDistribution> result;
      for (std::string item : split_expressions(text))
        {
          item.erase(0, item.find_first_not_of(" \t"));
          item.erase(item.find_last_not_of(" \t") + 1);
          const auto open = item.find('('), close = item.rfind(')');
          if (open == std::string::npos || close == std::string::npos ||
              close < open ||
              item.find_first_not_of(" \t", close + 1) != std::string::npos)
            throw InputError(
              parameter,
              "'" + item + "' is not 'normal(mean, sd)' or 'uniform(a, b)'");
          std::string name = item.substr(0, open);
          name.erase(0, name.find_first_not_of(" \t"));
          name.erase(name.find_last_not_of(" \t") + 1);
          const std::vector<double> arguments =
            parse_vector(item.substr(open + 1, close - open - 1), parameter, 2);
          Parameters::CoordinateDistribution c;
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


    DenseMatrix
    parse_spd(const std::string &text,
              const std::string &name,
              const unsigned int size)
    {
      const DenseMatrix A = parse_matrix(text, name, size, size);
      check_symmetric_positive_definite(A, name);
      return A;
    }
  } // namespace


  void
  Parameters::parse(ParameterHandler &prm)
  {
    const std::string solver = prm.get("Solver");
    run_finite_element       = solver != "particles";
    run_particles            = solver != "finite element";
    prm.enter_subsection("Particles");
    particles.additional_methods.clear();
    {
      const std::string list = prm.get("Also run methods");
      if (list.find_first_not_of(" \t") != std::string::npos)
        for (std::string item : split_expressions(list))
          {
            item.erase(0, item.find_first_not_of(" \t"));
            item.erase(item.find_last_not_of(" \t") + 1);
            try
              {
                particles.additional_methods.push_back(
                  parse_particle_method(item));
              }
            catch (const std::exception &)
              {
                throw InputError("Particles/Also run methods",
                                 "'" + item +
                                   "' is not a method; choose "
                                   "from " +
                                   particle_method_names() +
                                   ", separated by ';'");
              }
          }
    }
    prm.leave_subsection();
    const bool any_particles =
      run_particles || !particles.additional_methods.empty();
    const long d_read = prm.get_integer("Dimension");
    if (d_read < 1 || d_read > 10000)
      throw InputError("Dimension",
                       "must be between 1 and 10000, got " +
                         std::to_string(d_read));
    if (run_finite_element && d_read > 3)
      throw InputError("Dimension",
                       "the finite-element solver needs d = 1, 2 or 3, got " +
                         std::to_string(d_read) +
                         "; set 'Solver = particles' for d > 3");
    dimension            = d_read;
    const unsigned int d = dimension;

    if (run_finite_element)
      {
        prm.enter_subsection("Fokker-Planck equation");
        diffusion_matrix = diffusion_matrix_selection().parse(
          prm.get("Diffusion matrix"),
          "Fokker-Planck equation/Diffusion matrix");
        if (diffusion_matrix == DiffusionMatrixType::fixed)
          fixed_diffusion_matrix =
            parse_spd(prm.get("Fixed diffusion matrix"),
                      "Fokker-Planck equation/Fixed diffusion matrix",
                      d);
        prm.leave_subsection();
      }

    prm.enter_subsection("Potential");
    potential.type =
      potential_selection().parse(prm.get("Type"), "Potential/Type");
    if (potential.type == PotentialType::quadratic)
      {
        prm.enter_subsection("Quadratic");
        potential.minimizer  = to_dense_vector(parse_vector(
          prm.get("Minimizer u_0"), "Potential/Quadratic/Minimizer u_0", d));
        potential.covariance = parse_spd(prm.get("Covariance B"),
                                         "Potential/Quadratic/Covariance B",
                                         d);
        prm.leave_subsection();
      }
    else if (potential.type == PotentialType::inverse_problem)
      {
        prm.enter_subsection("Inverse problem");
        const std::string path  = "Potential/Inverse problem/";
        potential.forward_model = prm.get("Forward model");
        unsigned int K          = 0;
        if (potential.forward_model == "linear")
          {
            potential.forward_matrix = parse_matrix(prm.get("Forward matrix A"),
                                                    path + "Forward matrix A",
                                                    0,
                                                    d);
            K                        = potential.forward_matrix.m();
          }
        else if (potential.forward_model != "expression")
          {
            if (!forward_model_registry::has(potential.forward_model))
              {
                std::string known = "linear, expression";
                for (const std::string &m : forward_model_registry::list())
                  known += ", " + m.substr(0, m.find(':'));
                throw InputError(path + "Forward model",
                                 "unknown model '" + potential.forward_model +
                                   "'; known: " + known);
              }
            potential.observation_points =
              parse_vector(prm.get("Observation points"),
                           path + "Observation points");
            potential.forward_constants =
              parse_constants(prm.get("Constants"), path + "Constants");
            const auto model = forward_model_registry::create(
              potential.forward_model,
              {d, potential.observation_points, potential.forward_constants});
            if (model->dimension() != d)
              throw InputError("Dimension",
                               "the forward model '" + potential.forward_model +
                                 "' has " + std::to_string(model->dimension()) +
                                 " unknowns, not " + std::to_string(d));
            K = model->n_data();
          }
        else
          {
            potential.forward_map = prm.get("Forward map");
            K = split_expressions(potential.forward_map).size();
            if (K == 0)
              throw InputError(path + "Forward map",
                               "needs at least one expression");
            potential.forward_constants =
              parse_constants(prm.get("Constants"), path + "Constants");
          }
        potential.data =
          to_dense_vector(parse_vector(prm.get("Data y"), path + "Data y", K));
        potential.noise_covariance =
          parse_spd(prm.get("Noise covariance Gamma"),
                    path + "Noise covariance Gamma",
                    K);
        potential.prior_covariance =
          parse_spd(prm.get("Prior covariance Gamma_0"),
                    path + "Prior covariance Gamma_0",
                    d);
        potential.prior_mean = to_dense_vector(
          parse_vector(prm.get("Prior mean"), path + "Prior mean", d));
        prm.leave_subsection();
      }
    else if (potential.type == PotentialType::logistic_regression)
      {
        prm.enter_subsection("Logistic regression");
        const std::string path   = "Potential/Logistic regression/";
        potential.data_file      = prm.get("Data file");
        potential.prior_variance = prm.get_double("Prior variance");
        if (!(potential.prior_variance > 0) ||
            !std::isfinite(potential.prior_variance))
          throw InputError(path + "Prior variance", "must be > 0");
        // read it now so that a bad file is reported before any output
        LogisticRegressionPotential::from_csv(potential.data_file,
                                              d,
                                              potential.prior_variance,
                                              path + "Data file");
        prm.leave_subsection();
      }
    else if (potential.type == PotentialType::gaussian_mixture)
      {
        prm.enter_subsection("Gaussian mixture");
        const std::string path = "Potential/Gaussian mixture/";
        potential.mixture_weights =
          parse_vector(prm.get("Weights"), path + "Weights");
        const unsigned int n = potential.mixture_weights.size();
        for (const double w : potential.mixture_weights)
          if (!(w > 0))
            throw InputError(path + "Weights",
                             "every weight must be > 0, got " +
                               std::to_string(w));
        potential.mixture_means =
          parse_matrix(prm.get("Means"), path + "Means", n, d);
        const std::string text  = prm.get("Covariances");
        std::size_t       start = 0;
        potential.mixture_covariances.clear();
        while (true)
          {
            const std::size_t bar = text.find('|', start);
            potential.mixture_covariances.push_back(parse_spd(
              text.substr(start, bar - start),
              path + "Covariances (component " +
                std::to_string(potential.mixture_covariances.size() + 1) + ")",
              d));
            if (bar == std::string::npos)
              break;
            start = bar + 1;
          }
        if (potential.mixture_covariances.size() != n)
          throw InputError(
            path + "Covariances",
            "has " + std::to_string(potential.mixture_covariances.size()) +
              " matrices separated by '|' but 'Weights' has " +
              std::to_string(n) + " entries");
        prm.leave_subsection();
      }
    else
      {
        prm.enter_subsection("Expression");
        potential.expression = prm.get("Phi_R");
        potential.gradient   = prm.get("Gradient");
        potential.constants  = parse_constants(prm.get("Constants"),
                                              "Potential/Expression/Constants");
        prm.leave_subsection();
      }
    prm.leave_subsection();

    prm.enter_subsection("Initial density");
    initial_density.type =
      initial_density_selection().parse(prm.get("Type"),
                                        "Initial density/Type");
    if (initial_density.type == InitialDensityType::gaussian)
      {
        initial_density.mean = to_dense_vector(
          parse_vector(prm.get("Mean m_0"), "Initial density/Mean m_0", d));
        initial_density.covariance = parse_spd(prm.get("Covariance C_0"),
                                               "Initial density/Covariance C_0",
                                               d);
      }
    else if (initial_density.type == InitialDensityType::product)
      {
        initial_density.coordinates =
          parse_coordinate_distributions(prm.get("Coordinate distributions"),
                                         d);
        initial_density.edge_smoothing = prm.get_double("Edge smoothing");
        if (!(initial_density.edge_smoothing >= 0) ||
            !std::isfinite(initial_density.edge_smoothing))
          throw InputError("Initial density/Edge smoothing",
                           "must be 0 or positive, got " +
                             prm.get("Edge smoothing"));
      }
    else if (initial_density.type == InitialDensityType::file)
      {
        if (run_finite_element)
          throw InputError("Initial density/Type",
                           "'file' gives an initial ensemble, not a density: "
                           "it needs 'Solver = particles'");
        initial_density.ensemble_file = prm.get("Ensemble file");
        if (initial_density.ensemble_file.empty())
          throw InputError("Initial density/Ensemble file",
                           "must name a CSV file when 'Type = file'");
      }
    else
      {
        if (any_particles)
          throw InputError("Initial density/Type",
                           "the particles cannot be drawn from an expression; "
                           "use Gaussian, product or file");
        initial_density.expression = prm.get("Expression");
        initial_density.constants =
          parse_constants(prm.get("Constants"), "Initial density/Constants");
      }
    prm.leave_subsection();

    prm.enter_subsection("Particles");
    particles.settings.method = parse_particle_method(prm.get("Method"));
    {
      const std::string text = prm.get("Initial distributions");
      particles.initial_coordinates.clear();
      if (text.find_first_not_of(" \t") != std::string::npos)
        try
          {
            particles.initial_coordinates =
              parse_coordinate_distributions(text, d);
          }
        catch (const InputError &e)
          {
            // the reason, without the other parameter's name
            const std::string what  = e.what();
            const auto        colon = what.find("': ");
            throw InputError("Particles/Initial distributions",
                             colon == std::string::npos ?
                               what :
                               what.substr(colon + 3));
          }
    }
    const long J = prm.get_integer("Ensemble size");
    if (J < 2 || J > 1000000000)
      throw InputError("Particles/Ensemble size",
                       "must be between 2 and 1e9, got " + std::to_string(J));
    particles.ensemble_size = J;
    particles.settings.finite_ensemble_correction =
      prm.get_bool("Finite-ensemble correction");
    particles.settings.noise =
      parse_noise_square_root(prm.get("Noise square root"));
    particles.settings.split_step = prm.get("Time integrator") == "split-step";
    particles.time_step           = prm.get_double("Time step");
    if (!(particles.time_step > 0) || !std::isfinite(particles.time_step))
      throw InputError("Particles/Time step",
                       "must be positive, got " + prm.get("Time step"));
    particles.adaptive_time_step = prm.get_bool("Adaptive time step");
    particles.adaptive_delta     = prm.get_double("Adaptive delta");
    if (!(particles.adaptive_delta > 0))
      throw InputError("Particles/Adaptive delta", "must be positive");
    const long n_steps = prm.get_integer("Number of steps");
    if (n_steps < 0)
      throw InputError("Particles/Number of steps", "must be 0 or positive");
    particles.n_steps = n_steps;
    const long seed   = prm.get_integer("Seed");
    if (seed < 0)
      throw InputError("Particles/Seed", "must be 0 or positive");
    particles.settings.seed = seed;
    particles.drop_failed   = prm.get("On forward failure") == "drop";
    const long statistics   = prm.get_integer("Statistics interval");
    if (statistics < 1)
      throw InputError("Particles/Statistics interval", "must be at least 1");
    particles.statistics_interval = statistics;
    const long particle_output    = prm.get_integer("Output interval");
    if (particle_output < 0)
      throw InputError("Particles/Output interval", "must be 0 or positive");
    particles.output_interval = particle_output;
    std::vector<std::pair<ParticleMethod, std::string>> checked;
    if (run_particles)
      checked.emplace_back(particles.settings.method, "Particles/Method");
    for (const ParticleMethod m : particles.additional_methods)
      checked.emplace_back(m, "Particles/Also run methods");
    for (const auto &[method, name] : checked)
      {
        const bool forward = uses_forward_model(method);
        if (forward && potential.type != PotentialType::inverse_problem)
          throw InputError(name,
                           "'" + to_string(method) +
                             "' evaluates the forward map G: it needs "
                             "'Potential/Type = inverse problem', not '" +
                             potential_selection().name(potential.type) + "'");
        if (particles.adaptive_time_step && !forward)
          throw InputError("Particles/Adaptive time step",
                           "needs methods with a forward map (eks, eki, "
                           "eki-opt, herty-visconti): the step is "
                           "dt_0 / (||D||_F + delta); '" +
                             to_string(method) + "' has none");
      }
    prm.leave_subsection();

    prm.enter_subsection("Comparison");
    comparison.bandwidth_rule = prm.get("Bandwidth rule");
    const std::vector<double> window =
      parse_vector(prm.get("Decay fit window"),
                   "Comparison/Decay fit window",
                   2);
    if (!(0 <= window[0] && window[0] < window[1]))
      throw InputError("Comparison/Decay fit window", "needs 0 <= t_1 < t_2");
    comparison.decay_fit_begin = window[0];
    comparison.decay_fit_end   = window[1];
    prm.leave_subsection();

    if (run_finite_element && run_particles && particles.n_steps > 0)
      throw InputError("Particles/Number of steps",
                       "with 'Solver = both' the particles run with the "
                       "finite-element solver to 'Time stepping/Final time'; "
                       "set it to 0");
    if (run_finite_element)
      parse_mesh(prm);
    if (run_finite_element && run_particles && mesh.moving_box)
      throw InputError("Mesh/Moving box",
                       "cannot be used with 'Solver = both': the comparison "
                       "bins the particles on the fixed box; run the particles "
                       "with 'Particles/Also run methods' instead");
    parse_time_stepping_and_output(prm);
  }


  void
  Parameters::parse_mesh(ParameterHandler &prm)
  {
    const unsigned int d = dimension;
    prm.enter_subsection("Mesh");
    mesh.lower_corner =
      parse_vector(prm.get("Lower corner"), "Mesh/Lower corner", d);
    mesh.upper_corner =
      parse_vector(prm.get("Upper corner"), "Mesh/Upper corner", d);
    for (unsigned int i = 0; i < d; ++i)
      if (!(mesh.lower_corner[i] < mesh.upper_corner[i]))
        throw InputError("Mesh/Upper corner",
                         "must exceed 'Lower corner' in every coordinate; "
                         "coordinate " +
                           std::to_string(i + 1) + " does not");
    const std::vector<double> subdivisions =
      parse_vector(prm.get("Subdivisions"), "Mesh/Subdivisions");
    if (subdivisions.size() != 1 && subdivisions.size() != d)
      throw InputError("Mesh/Subdivisions",
                       "give one number or d = " + std::to_string(d) +
                         " numbers");
    mesh.subdivisions.clear();
    for (unsigned int i = 0; i < d; ++i)
      {
        const double s =
          subdivisions.size() == 1 ? subdivisions[0] : subdivisions[i];
        if (s < 1 || s != static_cast<unsigned int>(s))
          throw InputError("Mesh/Subdivisions", "must be positive integers");
        mesh.subdivisions.push_back(static_cast<unsigned int>(s));
      }
    const long refinements = prm.get_integer("Global refinements");
    if (refinements < 0 || refinements > 12)
      throw InputError("Mesh/Global refinements",
                       "must be between 0 and 12, got " +
                         std::to_string(refinements));
    mesh.global_refinements = refinements;
    const long degree       = prm.get_integer("Finite element degree");
    if (degree < 1 || degree > 2)
      throw InputError("Mesh/Finite element degree",
                       "must be 1 or 2, got " + std::to_string(degree));
    mesh.degree               = degree;
    mesh.flux_corrected       = prm.get("Stabilization") != "none";
    mesh.low_order_scheme     = prm.get("Stabilization") == "low-order";
    mesh.skip_unlimited_steps = prm.get_bool("Skip unlimited steps");
    mesh.adaptive             = prm.get_bool("Adaptive refinement");
    if (mesh.adaptive && d == 1)
      throw InputError("Mesh/Adaptive refinement",
                       "is available in dimension 2 and 3 (distributed "
                       "meshes); in 1-D refine the mesh uniformly with "
                       "'Mesh/Global refinements'");
    const long interval = prm.get_integer("Refinement interval");
    if (interval < 1)
      throw InputError("Mesh/Refinement interval", "must be at least 1");
    mesh.refinement_interval = interval;
    mesh.refine_fraction     = prm.get_double("Refine fraction");
    mesh.coarsen_fraction    = prm.get_double("Coarsen fraction");
    if (!(mesh.refine_fraction >= 0 && mesh.refine_fraction <= 1))
      throw InputError("Mesh/Refine fraction", "must be in [0, 1]");
    if (!(mesh.coarsen_fraction >= 0 &&
          mesh.coarsen_fraction + mesh.refine_fraction <= 1))
      throw InputError("Mesh/Coarsen fraction",
                       "must be >= 0 with 'Refine fraction' + 'Coarsen "
                       "fraction' <= 1");
    const long minimum_level = prm.get_integer("Minimum refinement level");
    const long maximum_level = prm.get_integer("Maximum refinement level");
    if (mesh.adaptive && (minimum_level < 0 || minimum_level > refinements))
      throw InputError("Mesh/Minimum refinement level",
                       "must be between 0 and 'Global refinements' (" +
                         std::to_string(refinements) + "), got " +
                         std::to_string(minimum_level));
    if (mesh.adaptive && (maximum_level < refinements || maximum_level > 20))
      throw InputError("Mesh/Maximum refinement level",
                       "must be between 'Global refinements' (" +
                         std::to_string(refinements) + ") and 20, got " +
                         std::to_string(maximum_level));
    mesh.minimum_level = std::max(0L, minimum_level);
    mesh.maximum_level = std::max(0L, maximum_level);
    const long cells   = prm.get_integer("Maximum cells");
    if (cells < 0)
      throw InputError("Mesh/Maximum cells", "must be 0 (no limit) or more");
    mesh.maximum_cells = cells;
    const long cycles  = prm.get_integer("Initial refinement cycles");
    if (cycles < 0 || cycles > 20)
      throw InputError("Mesh/Initial refinement cycles",
                       "must be between 0 and 20");
    mesh.initial_cycles = cycles;
    mesh.moving_box     = prm.get_bool("Moving box");
    if (mesh.moving_box && !mesh.flux_corrected)
      throw InputError("Mesh/Moving box",
                       "needs 'Stabilization = flux-corrected' or 'low-order': "
                       "the box follows the tails of the density (1e-6 of "
                       "its mass), and the Galerkin density has negative "
                       "and positive ripples far from its mass");
    mesh.box_margin = prm.get_double("Box margin");
    if (!(mesh.box_margin >= 0.5 && mesh.box_margin <= 20))
      throw InputError("Mesh/Box margin",
                       "must be between 0.5 and 20, got " +
                         prm.get("Box margin"));
    prm.leave_subsection();
  }


  void
  Parameters::parse_time_stepping_and_output(ParameterHandler &prm)
  {
    prm.enter_subsection("Time stepping");
    time_stepping.parse_parameters(
      prm, "Time stepping/", [this](const unsigned int bdf_order) {
        if (mesh.low_order_scheme && bdf_order != 1)
          throw InputError("Mesh/Stabilization",
                           "'low-order' is first order in time and needs "
                           "'Time stepping/Scheme = BDF1'");
      });
    prm.leave_subsection();

    prm.enter_subsection("Linear solver");
    linear_solver.parse_parameters(prm);
    prm.leave_subsection();

    prm.enter_subsection("Metropolis");
    {
      const std::string path    = "Metropolis/";
      const long        samples = prm.get_integer("Samples");
      if (samples < 0)
        throw InputError(path + "Samples", "must be 0 or positive");
      const long burn_in = prm.get_integer("Burn-in");
      if (burn_in < 0)
        throw InputError(path + "Burn-in", "must be 0 or positive");
      metropolis.n_samples = samples;
      metropolis.burn_in   = burn_in;
      metropolis.tau       = prm.get_double("Proposal scale tau");
      if (metropolis.tau < 0 || !std::isfinite(metropolis.tau))
        throw InputError(path + "Proposal scale tau",
                         "must be 0 (tune) or positive");
      metropolis.adapt_covariance = prm.get_bool("Adapt covariance");
      const long seed             = prm.get_integer("Seed");
      if (seed < 0)
        throw InputError(path + "Seed", "must be 0 or positive");
      metropolis.seed                 = seed;
      const unsigned int d            = dimension;
      const auto         from_initial = [&](const std::string &name) {
        if (initial_density.type == InitialDensityType::gaussian ||
            initial_density.type == InitialDensityType::product)
          return;
        throw InputError(path + name,
                         "'initial' needs a Gaussian or product initial "
                                 "density; give the value explicitly");
      };
      const std::string proposal       = prm.get("Proposal covariance");
      metropolis.proposal_from_initial = proposal == "initial";
      if (metropolis.proposal_from_initial)
        {
          if (samples > 0)
            from_initial("Proposal covariance");
        }
      else
        metropolis.proposal_covariance =
          parse_spd(proposal, path + "Proposal covariance", d);
      const std::string start       = prm.get("Start");
      metropolis.start_from_initial = start == "initial";
      if (metropolis.start_from_initial)
        {
          if (samples > 0)
            from_initial("Start");
        }
      else
        metropolis.start =
          to_dense_vector(parse_vector(start, path + "Start", d));
    }
    prm.leave_subsection();

    prm.enter_subsection("Output");
    output.directory = prm.get("Directory");
    if (output.directory.find_first_not_of(" \t") == std::string::npos)
      throw InputError("Output/Directory", "must not be empty");
    const long interval = prm.get_integer("Interval");
    if (interval < 0)
      throw InputError("Output/Interval", "must be 0 or positive");
    output.interval                 = interval;
    const long diagnostics_interval = prm.get_integer("Diagnostics interval");
    if (diagnostics_interval < 1)
      throw InputError("Output/Diagnostics interval", "must be at least 1");
    output.diagnostics_interval    = diagnostics_interval;
    output.plots                   = prm.get_bool("Plots");
    const long checkpoint_interval = prm.get_integer("Checkpoint interval");
    if (checkpoint_interval < 0)
      throw InputError("Output/Checkpoint interval", "must be 0 or positive");
    output.checkpoint_interval = checkpoint_interval;
    output.checkpoint_minutes  = prm.get_double("Checkpoint minutes");
    if (!(output.checkpoint_minutes >= 0) ||
        !std::isfinite(output.checkpoint_minutes))
      throw InputError("Output/Checkpoint minutes",
                       "must be 0 or a positive number of minutes");
    prm.leave_subsection();
  }


  namespace
  {
    std::string
    deal_ii_message(const dealii::ExceptionBase &e)
    {
      std::ostringstream info;
      e.print_info(info);
      std::string s = info.str();
      while (!s.empty() && (s.back() == '\n' || s.back() == ' '))
        s.pop_back();
      while (!s.empty() && (s.front() == '\n' || s.front() == ' '))
        s.erase(0, 1);
      return s;
    }


    /**
     * The parameter named on line @p line_number (counted from 1) of a
     * parameter file, as "Subsection/.../Name", found by following the
     * "subsection" and "end" lines before it. Empty when that line is not a
     * "set" line.
     */
    std::string
    parameter_on_line(const std::string &filename,
                      const unsigned int line_number)
    {
      std::ifstream            file(filename);
      std::vector<std::string> path;
      std::string              line;
      for (unsigned int n = 1; std::getline(file, line); ++n)
        {
          const auto comment = line.find('#');
          if (comment != std::string::npos)
            line.erase(comment);
          std::istringstream words(line);
          std::string        keyword;
          words >> keyword;
          std::string rest;
          std::getline(words, rest);
          const auto first = rest.find_first_not_of(" \t");
          rest = first == std::string::npos ? "" : rest.substr(first);
          if (n == line_number)
            {
              if (keyword != "set")
                return "";
              const auto  equals = rest.find('=');
              std::string name   = rest.substr(0, equals);
              while (!name.empty() &&
                     (name.back() == ' ' || name.back() == '\t'))
                name.pop_back();
              std::string full;
              for (const auto &section : path)
                full += section + "/";
              return full + name;
            }
          if (keyword == "subsection")
            {
              while (!rest.empty() &&
                     (rest.back() == ' ' || rest.back() == '\t'))
                rest.pop_back();
              path.push_back(rest);
            }
          else if (keyword == "end" && !path.empty())
            path.pop_back();
        }
      return "";
    }


    /** The line number in a deal.II "Line <N> of file" message, or 0. */
    unsigned int
    line_in_message(const std::string &message)
    {
      const auto start = message.find("Line <");
      if (start == std::string::npos)
        return 0;
      return static_cast<unsigned int>(
        std::strtoul(message.c_str() + start + 6, nullptr, 10));
    }
  } // namespace


  void
  Parameters::read(ParameterHandler &prm, const std::string &filename)
  {
    {
      std::ifstream file(filename);
      if (!file)
        throw InputError("(parameter file)",
                         "cannot open '" + filename + "' for reading");
    }
    try
      {
        prm.parse_input(filename, "", false, false);
      }
    catch (const dealii::ExceptionBase &e)
      {
        const std::string message = deal_ii_message(e);
        const std::string name =
          parameter_on_line(filename, line_in_message(message));
        throw InputError(name.empty() ? "(parameter file)" : name,
                         "cannot read '" + filename + "': " + message);
      }
    parse(prm);
  }


  void
  Parameters::read_from_string(ParameterHandler &prm, const std::string &text)
  {
    try
      {
        prm.parse_input_from_string(text, "", false);
      }
    catch (const dealii::ExceptionBase &e)
      {
        throw InputError("(parameter file)", deal_ii_message(e));
      }
    parse(prm);
  }
} // namespace kwfp
