#ifndef kwfp_app_parameters_h
#define kwfp_app_parameters_h

#include <kwfp/base/dense_algebra.h>
#include <kwfp/fokker_planck/diffusion_matrix.h>
#include <kwfp/fokker_planck/linear_solver_parameters.h>
#include <kwfp/fokker_planck/preconditioner_type.h>
#include <kwfp/fokker_planck/time_error_estimate.h>
#include <kwfp/fokker_planck/time_stepping_parameters.h>
#include <kwfp/mcmc/random_walk_metropolis.h>
#include <kwfp/model/initial_density_type.h>
#include <kwfp/particles/particle_method.h>
#include <kwfp/potential/potential_type.h>

#include <deal.II/base/parameter_handler.h>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace kwfp
{
  /**
   * @brief Everything a run reads from its parameter file, checked.
   *
   * declare() lists every parameter with its default and documentation (this
   * is what `kwfp --print-parameters` prints); parse() reads and checks them
   * and throws InputError naming the first parameter that is wrong. Matrices
   * are written row by row, rows separated by ';' and entries by ','.
   */
  struct Parameters
  {
    /// Problem dimension d (1, 2 or 3 for the finite-element solver).
    unsigned int dimension = 2;

    /// Which solvers run: the finite-element PDE, the particles, or both.
    bool run_finite_element = true;  ///< 'Solver': finite element or both
    bool run_particles      = false; ///< 'Solver': particles or both

    /// The matrix C in (4.1).
    DiffusionMatrixType diffusion_matrix =
      DiffusionMatrixType::kalman_wasserstein;
    DenseMatrix fixed_diffusion_matrix; ///< C for 'Diffusion matrix = fixed'

    /// The potential Phi_R.
    struct Potential
    {
      PotentialType type = PotentialType::quadratic; ///< kind of Phi_R
      DenseVector   minimizer;                       ///< u_0 (quadratic)
      DenseMatrix   covariance;                      ///< B (quadratic)
      std::string   forward_model; ///< "linear", "expression" or registered
      std::vector<double> observation_points; ///< registered models
      DenseMatrix         forward_matrix; ///< A, K x d (linear forward model)
      std::string         forward_map;    ///< G_1; ..; G_K (expression)
      std::map<std::string, double> forward_constants; ///< for G (expression)
      DenseVector                   data;              ///< y, length K
      DenseMatrix                   noise_covariance;  ///< Gamma, K x K
      DenseMatrix                   prior_covariance;  ///< Gamma_0, d x d
      DenseVector                   prior_mean;        ///< m_prior, length d
      std::string                   data_file;      ///< logistic regression CSV
      double                   prior_variance = 10; ///< logistic regression s^2
      std::vector<double>      mixture_weights;     ///< w_k (mixture)
      DenseMatrix              mixture_means;       ///< mu_k as rows
      std::vector<DenseMatrix> mixture_covariances; ///< Sigma_k
      std::string              expression;          ///< Phi_R (expression)
      std::string              gradient;       ///< grad Phi_R, d expressions
      std::map<std::string, double> constants; ///< for Phi_R (expression)
    } potential;                               ///< 'Potential'

    /// One coordinate of a product initial density.
    struct CoordinateDistribution
    {
      bool   uniform = false; ///< uniform(a, b), else normal(mean a, sd b)
      double a       = 0;     ///< lower end, or mean
      double b       = 1;     ///< upper end, or standard deviation
    };

    /// The initial density rho_0 (and the initial ensemble).
    struct InitialDensity
    {
      InitialDensityType type = InitialDensityType::gaussian; ///< kind of rho_0
      DenseVector        mean;       ///< m_0 (Gaussian)
      DenseMatrix        covariance; ///< C_0 (Gaussian)
      std::string        expression; ///< unnormalized rho_0 (expression)
      std::map<std::string, double>       constants;   ///< for the expression
      std::vector<CoordinateDistribution> coordinates; ///< product
      double      edge_smoothing = 0; ///< finite elements: U(a,b) * N(0, s^2)
      std::string ensemble_file;      ///< CSV of particles (file)
    } initial_density;                ///< 'Initial density'

    /// The box and its mesh.
    struct Mesh
    {
      std::vector<double>       lower_corner; ///< of the box, d numbers
      std::vector<double>       upper_corner; ///< of the box, d numbers
      std::vector<unsigned int> subdivisions; ///< coarse cells per axis
      unsigned int              global_refinements = 0; ///< of the coarse mesh
      unsigned int              degree             = 2; ///< Q1 or Q2
      /// Algebraic flux correction of every step (positivity, mass).
      bool flux_corrected = true;
      /// The low-order (first-order, positive, exact at equilibrium)
      /// scheme alone, without the Galerkin predictor ('Stabilization =
      /// low-order'); flux_corrected is then true too (same operator).
      bool low_order_scheme = false;
      /// Keep a Galerkin step that needs no limiting as it is (true), or
      /// solve the corrected system every step (false: a check of the
      /// correction, which then returns rho^H to the solver's tolerance).
      bool skip_unlimited_steps = true;
      /// Adaptive refinement and coarsening (d = 2, 3): Kelly indicator of
      /// the density, fixed fractions, every refinement_interval steps.
      bool         adaptive            = false;
      unsigned int refinement_interval = 5;   ///< steps between adaptations
      double       refine_fraction     = 0.3; ///< of the cells, refined
      double       coarsen_fraction    = 0.3; ///< of the cells, coarsened
      unsigned int minimum_level       = 0;   ///< coarsening stops here
      unsigned int maximum_level       = 8;   ///< refinement stops here
      unsigned int maximum_cells       = 0;   ///< 0: no limit
      unsigned int initial_cycles      = 3;   ///< adaptations of rho_0
      /// Remesh a box that follows the density: its tails (1e-6 of the
      /// mass) plus box_margin standard deviations on each side.
      bool   moving_box = false;
      double box_margin = 2; ///< in standard deviations
    } mesh;                  ///< 'Mesh'

    /// Time stepping.
    TimeSteppingParameters time_stepping; ///< 'Time stepping'

    /// The linear solver of each step.
    LinearSolverParameters linear_solver; ///< 'Linear solver'

    /// The particle systems (Section 3 and 5 of Garbuno-Inigo et al. 2020).
    struct Particles
    {
      ParticleMethodSettings settings;              ///< method and integrator
      std::uint64_t          ensemble_size = 1000;  ///< J
      double                 time_step     = 0.001; ///< dt (or dt_0)
      bool   adaptive_time_step = false;      ///< dt_n = dt_0/(||D_n|| + delta)
      double adaptive_delta     = 1e-8;       ///< delta of that rule
      std::uint64_t n_steps     = 0;          ///< 0: run to T
      bool          drop_failed = false;      ///< drop non-finite G
      unsigned int  statistics_interval = 1;  ///< steps between CSV rows
      unsigned int  output_interval     = 10; ///< steps between clouds
      /// Further particle runs after the main run, one per method, with
      /// the same settings (output in DIRECTORY/particles_METHOD/).
      std::vector<ParticleMethod> additional_methods;
      /// When not empty, the particles are drawn from this product of
      /// coordinate distributions instead of the initial density.
      std::vector<CoordinateDistribution> initial_coordinates;
    } particles; ///< 'Particles'

    /// The comparison of the FE solution, the particles and the exact
    /// solution, and the KL-decay analysis.
    struct Comparison
    {
      std::string bandwidth_rule  = "Scott"; ///< of the KDE
      double      decay_fit_begin = 1;       ///< KL-decay fit window start
      double      decay_fit_end   = 2;       ///< KL-decay fit window end
    } comparison;                            ///< 'Comparison'

    /// The random-walk Metropolis chain (app: 'initial' resolved from the
    /// initial density).
    struct Metropolis : MetropolisSettings
    {
      bool proposal_from_initial = true; ///< proposal covariance from rho_0
      bool start_from_initial    = true; ///< chain starts at rho_0's mean
    } metropolis;                        ///< 'Metropolis'

    /// Output.
    struct Output
    {
      std::string  directory = "output"; ///< DIR
      unsigned int interval  = 10;       ///< steps between field outputs
      /// Steps between the rows of diagnostics.csv (FE runs).
      unsigned int diagnostics_interval = 1;
      bool         plots                = false; ///< PNG plots at the end
      /// Write DIR/checkpoint every this many steps (0: never).
      unsigned int checkpoint_interval = 0;
      /// ... and when this many wall-clock minutes have passed since the
      /// last one (0: never).
      double checkpoint_minutes = 30;
    } output; ///< 'Output'

  private:
    void
    parse_mesh(dealii::ParameterHandler &prm);
    void
    parse_time_stepping_and_output(dealii::ParameterHandler &prm);

  public:
    /// Declare all parameters (with defaults: the benchmark G2).
    static void
    declare(dealii::ParameterHandler &prm);

    /// Read and check all parameters; throws InputError.
    void
    parse(dealii::ParameterHandler &prm);

    /**
     * Read @p filename into @p prm (declared with declare()) and parse it.
     * Throws InputError for a file that cannot be read, an unknown or
     * misspelled parameter, or a value that does not match its pattern.
     */
    void
    read(dealii::ParameterHandler &prm, const std::string &filename);

    /// The same for a parameter file given as a string (used by tests).
    void
    read_from_string(dealii::ParameterHandler &prm, const std::string &text);
  };
} // namespace kwfp

#endif
