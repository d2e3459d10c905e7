#ifndef kwfp_comparison_closure_comparison_h
#define kwfp_comparison_closure_comparison_h

#include <kwfp/base/checkpoint.h>
#include <kwfp/fokker_planck/field_observation.h>
#include <kwfp/fokker_planck/fokker_planck_parameters.h>
#include <kwfp/gaussian_closure/gaussian_closure_solver.h>
#include <kwfp/postprocess/postprocessor.h>

#include <mpi.h>

#include <cstdint>
#include <fstream>
#include <string>

namespace kwfp
{
  /**
   * @brief The Gaussian closure beside the finite elements ('Solver =
   * finite element, Gaussian'), a postprocessor: at each output time it
   * advances the closure to that time (GaussianClosureSolver::advance_to,
   * which lands on it) and writes a row of closure_comparison.csv:
   * `time`, `mean_difference` |m(rho_h) - m| and `cov_difference`
   * ||C(rho_h) - C||_F (Euclidean and Frobenius norms) between the FE
   * density's moments and the closure's N(m, C) (for a mixture closure its
   * moments), `kl_fe_closure`
   * KL(rho_h || q) and `kl_closure_fe`, `l1_fe_closure`, q the closure's
   * density (Gaussian or mixture),
   * `hellinger_fe_closure` by quadrature on the mesh (DensityMetrics; what
   * the closure leaves out: zero only when rho_h is Gaussian), and
   * `kl_moments_closure`, `w2_moments_closure` between the Gaussian with
   * the FE moments and the closure (what the closure gets wrong in the
   * first two moments). It saves and loads the closure with the
   * finite-element checkpoint.
   */
  template <int dim>
  class ClosureComparison : public Postprocessor<dim>
  {
  public:
    /// Compare the finite-element run of @p parameters with @p closure
    /// (started or resumed by the caller).
    ClosureComparison(const FokkerPlanckParameters &parameters,
                      GaussianClosureSolver        &closure,
                      const MPI_Comm                communicator);

    /// "Gaussian closure comparison"
    std::string
    name() const override
    {
      return "Gaussian closure comparison";
    }

    /// Advance the closure to the observation's time; write the row.
    void
    execute(FieldObservation<dim> &observation) override;

    /// The closure's state and the rows written.
    void
    save(CheckpointWriter &out) const override;
    /// Continue after a checkpoint (closure_comparison.csv cut to its rows).
    void
    load(CheckpointReader &in) override;

  private:
    /// Open closure_comparison.csv (rank 0), anew or after @p resume_rows.
    void
    open(const std::optional<std::uint64_t> &resume_rows);

    const std::string      directory;
    GaussianClosureSolver &closure;
    const MPI_Comm         communicator;
    std::ofstream          csv;
    bool                   opened = false;
    std::uint64_t          n_rows = 0;
  };
} // namespace kwfp

#endif
