#ifndef kwfp_tests_run_helpers_h
#define kwfp_tests_run_helpers_h

#include <kwfp/fokker_planck/solver.h>
#include <kwfp/particles/particle_solver.h>

#include <cmath>
#include <map>
#include <string>
#include <vector>

namespace kwfp::testing
{
  /**
   * Run the finite-element solver on a parameter file given as text, in a
   * fresh temporary output directory, without field output. Returns the
   * summary with every diagnostics row; what the solver printed goes to
   * @p console_text if given.
   */
  RunSummary
  run_parameters(const std::string &text, std::string *console_text = nullptr);

  /// A particle run: its summary and the final ensemble (rows, by index).
  struct ParticleResult
  {
    ParticleRunSummary summary;
    DenseMatrix        final_ensemble;
  };

  /**
   * Run the particle solver on a parameter file given as text (with
   * 'Solver = particles' added), in a fresh temporary output directory,
   * without point-cloud output.
   */
  ParticleResult
  run_particle_parameters(const std::string &text);

  /// A CSV file with a header line: column name -> values.
  std::map<std::string, std::vector<double>>
  read_csv(const std::string &filename);

  /**
   * Run kwfp (run_application) on a parameter file given as text with its
   * output in a fresh temporary directory; returns the directory (the
   * caller removes it). Fails the test if the exit code is not 0.
   */
  std::string
  run_kwfp(const std::string &text);

  /**
   * Benchmark G2 (see benchmarks/g2.sh) with @p cells per axis, Q_@p degree,
   * time step @p dt, @p scheme "BDF1" or "BDF2", and @p extra prm lines.
   */
  std::string
  g2_parameters(const unsigned int cells,
                const unsigned int degree,
                const double       dt,
                const std::string &scheme = "BDF2",
                const std::string &extra  = "");

  /**
   * The 1-D Kalman-Wasserstein case of prm/gaussian_1d.prm (B = 0.5, C_0 =
   * 2: a stiff start) on 2^@p refinements Q2 cells of [-10, 10] to T = 3
   * with time step @p dt, and @p extra prm lines (which may override any
   * of these).
   */
  std::string
  gaussian_1d_parameters(const unsigned int refinements,
                         const double       dt,
                         const std::string &extra = "");

  /// posterior_table.csv: method -> (mean_1.., cov_1_1..), and the
  /// methods in the order of the file in @p order.
  std::map<std::string, std::vector<double>>
  read_posterior_table(const std::string        &file,
                       std::vector<std::string> &order);

  /// log2(e_coarse / e_fine): the observed order when h or dt halves.
  inline double
  rate(const double coarse, const double fine)
  {
    return std::log2(coarse / fine);
  }
} // namespace kwfp::testing

#endif
