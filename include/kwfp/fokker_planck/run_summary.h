#ifndef kwfp_fokker_planck_run_summary_h
#define kwfp_fokker_planck_run_summary_h

#include <kwfp/base/dense_algebra.h>
#include <kwfp/fokker_planck/kl_decay.h>
#include <kwfp/output/diagnostics_csv.h>

#include <vector>

namespace kwfp
{
  /// What a finite-element run reports when it ends.
  struct RunSummary
  {
    unsigned long long n_dofs  = 0; ///< unknowns at the end
    unsigned int       n_cells = 0; ///< active cells at the end
    unsigned int       n_steps = 0; ///< time steps taken
    /// The run stopped early on SIGINT/SIGTERM (outputs as at the end).
    bool interrupted = false;
    /// Adaptive time step: steps rejected and repeated, smallest and
    /// largest dt taken.
    unsigned int rejected_steps = 0;
    /// Of these, rejected by the error estimate in the three steps after a
    /// transfer to a new mesh (adaptation or box move), whose estimates
    /// difference transferred solutions.
    unsigned int rejected_after_transfer = 0;
    double       min_dt                  = 0; ///< smallest dt taken
    double       max_dt                  = 0; ///< largest dt taken
    /// Wall seconds of the time loop (without setup).
    double loop_seconds = 0;
    /// Wall seconds of one product of the final system matrix with a
    /// vector (mean of 20, measured after the loop; 0 if there was none):
    /// the unit of cost benchmarks/run.sh divides a step by.
    double matvec_seconds = 0;
    /// Sum of GMRES iterations over the run.
    unsigned long long linear_iterations = 0;
    /// Steps whose Galerkin solution the flux correction changed, and the
    /// largest number of limited unknowns in one step.
    unsigned int corrected_steps = 0;
    /// Steps made >= 0 by the cutoff instead of the correction, and the
    /// largest relative mass cut off in one step ('Mesh/Cutoff tolerance').
    unsigned int cutoff_steps = 0;
    /// See cutoff_steps.
    double max_cutoff_mass = 0;
    /// The most limited unknowns in one step.
    unsigned long long max_limited_nodes = 0;
    /// Largest relative residual of a Galerkin step evaluated with the C
    /// that its flux correction used (FluxCorrectedTransport::Statistics::
    /// galerkin_residual): the solver's tolerance when both use one C.
    double max_correction_residual = 0;
    /// Smallest factor of the positive BDF2 source parts in a correction
    /// (FluxCorrectedTransport::Statistics::source_scaling).
    double min_source_scaling = 1;
    /// Steps whose Galerkin solve needed the low-order preconditioner.
    unsigned int low_order_preconditioned_steps = 0;
    /// Steps solved by the sparse direct solver (GMRES failed).
    unsigned int direct_steps = 0;
    /// Steps whose Galerkin solve failed and that used the low-order
    /// scheme alone (flux correction only).
    unsigned int low_order_steps = 0;
    /// Adaptive mesh: adaptations, the most cells, the largest relative
    /// mass change of a transfer before its rescaling, and the largest
    /// negative value (relative) set to zero after a transfer.
    unsigned int       n_adaptations = 0;
    unsigned long long max_cells     = 0; ///< most active cells
    /// Unknowns constrained as hanging nodes on the last mesh (all ranks).
    unsigned long long n_hanging_nodes = 0;
    /// Largest relative mass change of a transfer.
    double max_remesh_mass_defect = 0;
    double max_remesh_clipped     = 0; ///< largest negative value set to zero
    /// Moving box: how often the box moved.
    unsigned int n_box_moves = 0;
    /// The smallest nodal density over all steps, relative to the largest.
    double min_relative_density = 0;
    /// The diagnostics rows, step 0 first: all of them, or only the last
    /// one after FokkerPlanckSolver::keep_full_history(false).
    std::vector<DiagnosticsRow> history;
    /// What the KL-decay analysis needs of every step (48 bytes a step).
    std::vector<KlDecaySample> kl_samples;
    /// Mean and covariance of rho_inf by quadrature (posterior.csv).
    DenseVector posterior_mean;
    DenseMatrix posterior_covariance; ///< C of rho_inf
    /// The KL-decay analysis (kl_decay.csv).
    KlDecaySummary kl_decay;
  };
} // namespace kwfp

#endif
