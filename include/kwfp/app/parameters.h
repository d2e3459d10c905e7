#ifndef kwfp_app_parameters_h
#define kwfp_app_parameters_h

#include <kwfp/base/dense_algebra.h>
#include <kwfp/comparison/comparison_parameters.h>
#include <kwfp/fokker_planck/diffusion_matrix.h>
#include <kwfp/fokker_planck/fokker_planck_parameters.h>
#include <kwfp/fokker_planck/linear_solver_parameters.h>
#include <kwfp/fokker_planck/mesh_parameters.h>
#include <kwfp/fokker_planck/time_stepping_parameters.h>
#include <kwfp/gaussian_closure/gaussian_closure_parameters.h>
#include <kwfp/gaussian_closure/gaussian_closure_solver_parameters.h>
#include <kwfp/mcmc/metropolis_parameters.h>
#include <kwfp/mcmc/metropolis_run.h>
#include <kwfp/model/initial_density_parameters.h>
#include <kwfp/output/output_parameters.h>
#include <kwfp/particles/particle_parameters.h>
#include <kwfp/particles/particle_solver_parameters.h>
#include <kwfp/potential/potential_parameters.h>

#include <deal.II/base/parameter_handler.h>

#include <string>
#include <vector>

namespace kwfp
{
  /**
   * @brief Everything a run reads from its parameter file, checked.
   *
   * declare() lists every parameter with its default and documentation (this
   * is what `kwfp --print-parameters` prints); parse() reads and checks them
   * and throws InputError naming the first parameter that is wrong. Each
   * subsection is declared and parsed by its module; here are only the
   * top-level entries and the checks that couple subsections. Matrices
   * are written row by row, rows separated by ';' and entries by ','.
   *
   * The part the finite-element solver reads is its base
   * FokkerPlanckParameters: the dimension d (for the particles and the
   * Gaussian closure as well, any d), the matrix C ('Fokker-Planck
   * equation'), 'Potential', 'Initial density', 'Mesh', 'Time stepping',
   * 'Linear solver', 'Comparison' and 'Output'.
   */
  struct Parameters : FokkerPlanckParameters
  {
    /// 'Additional shared libraries': plugins, loaded first.
    std::vector<std::string> additional_shared_libraries;

    /// Which solvers run: the finite-element PDE, the particles, or both.
    bool run_finite_element = true;  ///< 'Solver': finite element or both
    bool run_particles      = false; ///< 'Solver': particles or both
    /// 'Solver' lists Gaussian: the Gaussian closure (issue 24).
    bool run_gaussian_closure = false;

    ParticleParameters   particles;  ///< 'Particles'
    MetropolisParameters metropolis; ///< 'Metropolis'

    /// 'Gaussian closure'
    GaussianClosureParameters gaussian_closure;

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

  private:
    /// 'Solver': the comma-separated list of solvers that run.
    void
    parse_solvers(const dealii::ParameterHandler &prm);
    /// 'Dimension', checked against the solvers that run.
    void
    parse_dimension(const dealii::ParameterHandler &prm);
    /// The particle methods that run need what they evaluate (Particles).
    void
    check_particle_methods() const;
    /// The subsections after 'Comparison', each with its module.
    void
    parse_discretization_and_output(dealii::ParameterHandler &prm);
  };

  /// What the finite-element solver reads of @p parameters: its
  /// FokkerPlanckParameters base.
  FokkerPlanckParameters
  fokker_planck_parameters(const Parameters &parameters);

  /// What the particle solver of the main run reads of @p parameters.
  ParticleSolverParameters
  particle_solver_parameters(const Parameters &parameters);

  /// What the Gaussian closure reads of @p parameters.
  GaussianClosureSolverParameters
  gaussian_closure_solver_parameters(const Parameters &parameters);

  /// What the Metropolis chain reads of @p parameters.
  MetropolisRunParameters
  metropolis_run_parameters(const Parameters &parameters);
} // namespace kwfp

#endif
