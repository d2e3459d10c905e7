#ifndef kwfp_fokker_planck_flux_corrected_transport_h
#define kwfp_fokker_planck_flux_corrected_transport_h

#include <kwfp/base/dense_algebra.h>
#include <kwfp/base/ghost_exchange.h>
#include <kwfp/fokker_planck/edge_diffusion.h>
#include <kwfp/fokker_planck/kalman_wasserstein_operator.h>
#include <kwfp/fokker_planck/rebuild_schedule.h>
#include <kwfp/fokker_planck/reordered_ilu.h>

#include <deal.II/base/index_set.h>
#include <deal.II/lac/trilinos_precondition.h>
#include <deal.II/lac/trilinos_sparse_matrix.h>
#include <deal.II/lac/trilinos_vector.h>

#include <memory>
#include <vector>

namespace kwfp
{
  /**
   * @brief Positivity-preserving, mass-conserving flux correction of one
   * time step of (4.1) (algebraic flux correction: FEM-FCT with the Galerkin
   * step as high-order predictor and an exponentially fitted low-order
   * operator; doc/numerics.md, "Stabilization").
   *
   * The Galerkin step gives rho^H with M rhodot = -A rho^H, rhodot = a rho^H
   * - b (BDF1: a = 1/dt, b = rho^n/dt; BDF2: a = 3/(2 dt), b = (2 rho^n -
   * rho^{n-1}/2)/dt). The low-order operator L is Scharfetter-Gummel on the
   * edges of the matrix graph: with w_ij = max(0, -W(C)_ij) (W the edge
   * matrix of EdgeDiffusion on Q1 boxes, else the diffusion part K(C) of
   * A) and the Bernoulli function B(z) = z / (e^z - 1),
   *   (L rho)_i = sum_j w_ij (B(Phi_j - Phi_i) rho_i - B(Phi_i - Phi_j) rho_j),
   * the exact flux of (4.1) along an edge with C grad Phi_R constant. L has
   * off-diagonal entries <= 0 and zero column sums, so M_L/dt + L is an
   * M-matrix (M_L the lumped mass), and every edge flux vanishes at rho ~
   * exp(-Phi_R): the low-order scheme is exact at equilibrium. Only
   * differences of nodal Phi_R enter, never exp(+-Phi_R).
   * With E = L - A (zero column sums) the Galerkin step reads exactly
   *   (M_L/dt + L) rho^H = M_L rho^n/dt + s + sum_j f_ij,
   *   f_ij = M_ij (rhodot_i - rhodot_j) + E_ij rho^H_j - E_ji rho^H_i = -f_ji,
   *   s_i  = m_i ((rho^H_i - rho^n_i)/dt - rhodot_i)   (0 for BDF1).
   * The corrected step solves the same system with the limited right-hand
   * side M_L rho^n/dt + s' + sum_j alpha_ij f_ij, alpha_ij = alpha_ji in
   * [0, 1] as large as possible such that every entry is >= 0, and s' the
   * source with its negative parts limited the same way and its positive
   * parts scaled so that sum s' = 0. Hence rho >= 0 and the mass 1^T M rho
   * equals that of rho^n; where nothing is limited, rho = rho^H. A step
   * with rho^H >= -1e-12 max rho^H (round-off) is not corrected. The step
   * is computed in increments, S rho = S rho^H + (s' - s) + sum_j (alpha_ij
   * - 1) f_ij with S = M_L/dt + L, so that only the rows the limiting
   * reaches need their fluxes (doc/numerics.md, "Stabilization" 3.-5.).
   */
  template <int dim>
  class FluxCorrectedTransport
  {
  public:
    /// What one correction did.
    struct Statistics
    {
      /// False when rho^H was kept unchanged (nothing to limit) or cut off.
      bool corrected = false;
      /// True when rho^H was made >= 0 by the cutoff instead (its negative
      /// nodal values holding at most the cutoff tolerance of the mass).
      bool cut_off = false;
      /// The Undershoot::mass of rho^H when it was cut off (0 otherwise).
      double cutoff_mass = 0;
      /// Number of unknowns (all ranks) whose fluxes or source were limited.
      unsigned long long limited_nodes = 0;
      /// GMRES iterations of the low-order solve.
      unsigned int iterations = 0;
      /// max_i |(M rhodot + A(C) rho^H)_i| / max_i a m_i |rho^H_i|: the
      /// relative residual of the Galerkin step with the C given to
      /// correct(). At the linear solver's tolerance when C is the step's
      /// own; larger, and rho != rho^H where nothing is limited, when it is
      /// not (the fluxes f_ij then carry A(C_step) - A(C)). Over the rows
      /// whose fluxes were computed: those the limiting reached, every row
      /// with set_skip_unlimited_steps(false); 0 for steps kept unchanged.
      double galerkin_residual = 0;
      /// The one factor (<= 1) by which the positive parts of the BDF2
      /// source s were scaled so that the limited source sums to 0.
      double source_scaling = 1;
    };

    /**
     * Prepare for the operator @p op (reinit() with for_flux_correction) on
     * the unknowns @p owned (with ghosts @p relevant); @p nodal_potential
     * holds Phi_R at the nodes (owned entries). Unknowns constrained by
     * @p constraints (hanging nodes) take no part in the fluxes or the
     * source; the caller sets them with constraints.distribute(). Only the
     * lumped masses are computed here; the low-order operator, the
     * transposes of the operator's pieces and the flux storage are built
     * by the first call that needs them (a step that neither the
     * positivity test nor the cutoff settles, a low-order step or matrix,
     * restore()), and freed at the next reinit(), so that a run whose
     * Galerkin steps stay non-negative never holds them. @p dof_handler,
     * @p constraints and @p op must stay unchanged until the next reinit().
     */
    void
    reinit(const dealii::DoFHandler<dim>               &dof_handler,
           KalmanWassersteinOperator<dim>              &op,
           const dealii::AffineConstraints<double>     &constraints,
           const dealii::TrilinosWrappers::MPI::Vector &nodal_potential,
           const dealii::IndexSet                      &owned,
           const dealii::IndexSet                      &relevant,
           const MPI_Comm                               communicator);

    /**
     * Replace the high-order solution @p solution = rho^H of the step from
     * @p previous = rho^n with time step @p dt, derivative coefficients
     * @p a and @p b (see above) and diffusion matrix @p C by the corrected
     * rho. @p relative_tolerance and @p max_iterations control the GMRES
     * solve of the low-order system. Throws RunFailure when rho^n is
     * negative (the correction needs rho^n >= 0) or GMRES fails.
     */
    Statistics
    correct(const double                                 dt,
            const double                                 a,
            const dealii::TrilinosWrappers::MPI::Vector &b,
            const dealii::TrilinosWrappers::MPI::Vector &previous,
            const DenseMatrix                           &C,
            const double                                 relative_tolerance,
            const unsigned int                           max_iterations,
            dealii::TrilinosWrappers::MPI::Vector       &solution);

    /**
     * The low-order step alone (BDF1, alpha = 0): (M_L/dt + L) rho = M_L
     * rho^n / dt, for steps whose Galerkin solve failed. Positive and
     * conservative, first order. Returns the GMRES iterations.
     */
    unsigned int
    low_order_step(const double                                 dt,
                   const dealii::TrilinosWrappers::MPI::Vector &previous,
                   const DenseMatrix                           &C,
                   const double                           relative_tolerance,
                   const unsigned int                     max_iterations,
                   dealii::TrilinosWrappers::MPI::Vector &solution);

    /// mass_factor M_L + L(C), e.g. as preconditioner of the Galerkin
    /// system mass_factor M + A(C).
    const dealii::TrilinosWrappers::SparseMatrix &
    low_order_matrix(const double mass_factor, const DenseMatrix &C);

    /**
     * Write to or read from a checkpoint (CheckpointWriter/Reader) from
     * which low-order matrix the preconditioner of the low-order solve was
     * factored, and its rebuild schedule; after reading, restore() factors
     * it again, so that a resumed run solves as the uninterrupted one.
     */
    template <class Stream>
    void
    transfer(Stream &s)
    {
      s.io(ilu_mass_factor);
      s.io(ilu_C);
      ilu_schedule.transfer(s);
    }

    /// After transfer() from a checkpoint on the rebuilt mesh.
    void
    restore();

    /// true (default): correct() keeps a step that needs no limiting
    /// unchanged; false: correct() computes every row's fluxes and solves
    /// the corrected system every step (with nothing limited it returns
    /// rho^H to the solver's tolerance).
    void
    set_skip_unlimited_steps(const bool skip);

    /**
     * Galerkin steps whose negative nodal values hold at most @p tolerance
     * times the mass of their positive ones (sum_i m_i max(0, -rho^H_i) <=
     * tolerance sum_i m_i max(0, rho^H_i)) are made >= 0 by the
     * mass-conserving cutoff rho = max(rho^H, 0) 1^T M_L rho^n / 1^T M_L
     * max(rho^H, 0) instead of the correction (doc/numerics.md,
     * "Stabilization", the cutoff). 0 (the default of this class; the
     * parameter's is 1e-8): every step with a value below -1e-12 of the
     * maximum is corrected. At most 1e-6. Only with
     * set_skip_unlimited_steps(true).
     */
    void
    set_cutoff_tolerance(const double tolerance);

  private:
    /// Global scales of a step, from start_right_hand_side().
    struct StepScales
    {
      /// The one factor (<= 1) of the positive parts of the source s.
      double positive_factor = 1;
      /// tau_i / m_i = relative tolerance max rho^n / dt: the right-hand
      /// side may fall to -tau_i at node i (compute_flux_limiters()).
      double tolerance_per_mass = 0;
      /// max_i m_i rho^n_i / dt.
      double largest_budget = 0;
      /// sum_i m_i rho^n_i over the unknowns that are not hanging nodes.
      double previous_mass = 0;
    };

    /// How far a step falls below 0, over the unknowns that are not
    /// hanging nodes (relative_undershoot()).
    struct Undershoot
    {
      /// max(0, -min_i rho_i) / max_i rho_i (infinite if rho_i < 0 and no
      /// value is positive).
      double nodal = 0;
      /// sum_i m_i max(0, -rho_i) / sum_i m_i max(0, rho_i): the mass the
      /// cutoff removes, relative to what stays.
      double mass = 0;
      /// sum_i m_i max(0, rho_i): the mass of the clipped step.
      double positive_mass = 0;
      /// sum_i m_i rho^n_i: the mass the cutoff scales to.
      double previous_mass = 0;
    };

    /// The Undershoot of @p solution = rho^H, with the masses of its
    /// positive part and of @p previous = rho^n (one pass, two reductions).
    Undershoot
    relative_undershoot(
      const dealii::TrilinosWrappers::MPI::Vector &solution,
      const dealii::TrilinosWrappers::MPI::Vector &previous) const;

    /// The cutoff: rho = max(rho^H, 0) previous_mass / positive_mass, with
    /// the masses of @p undershoot (one pass).
    void
    cut_off(const Undershoot                      &undershoot,
            dealii::TrilinosWrappers::MPI::Vector &solution) const;

    /**
     * Start a correction: rhodot = a rho^H - b with ghosts, the source s_i
     * and its limits (source_factor, the positive parts' factor), and rhs
     * = S rho^H + s' - s, the corrected step's right-hand side with every
     * alpha_ij = 1 (S = M_L/dt + L must be in low_order). Resets the
     * per-row flux state. Throws RunFailure when @p previous = rho^n has a
     * negative value below -1e-10 of its maximum.
     */
    StepScales
    start_right_hand_side(const double                                 dt,
                          const double                                 a,
                          const dealii::TrilinosWrappers::MPI::Vector &b,
                          const dealii::TrilinosWrappers::MPI::Vector &previous,
                          const dealii::TrilinosWrappers::MPI::Vector &solution,
                          const double relative_tolerance);

    /**
     * The fluxes f_ij of local row @p row (once per step), their negative
     * sum P_i, the budget Q_i = rhs_i - sum_j f_ij (rhs at alpha = 1, so
     * M_L rho^n/dt + s' up to the Galerkin residual), and the row's
     * residual of the Galerkin step M rhodot + A(C) rho^H into
     * residual_and_scale.
     */
    void
    compute_row_fluxes(const int row);

    /// rhs += sum_j (alpha_ij - 1) f_ij over the rows with fluxes; returns
    /// the number of unknowns (all ranks) with R_i < 1 or a limited source.
    unsigned long long
    add_limited_fluxes();

    /// Set the negative entries of @p solution (not hanging nodes) to 0 and
    /// scale it so that their sum weighted by M_L is @p mass.
    void
    clip_negatives_to_mass(
      const double                           mass,
      dealii::TrilinosWrappers::MPI::Vector &solution) const;

    /// Admissible limiters R_i (in ratio): every entry of the limited
    /// right-hand side >= -tau_i = -@p scales.tolerance_per_mass m_i (below
    /// what the low-order solve resolves), R_i < 1 only on the limited set
    /// that violations reach, and there the largest up to what changes the
    /// right-hand side by more than @p relative_tolerance times
    /// @p scales.largest_budget; see doc/numerics.md, "Stabilization" 4.
    void
    compute_flux_limiters(const StepScales &scales,
                          const double      relative_tolerance);

    /// Step 2. of compute_flux_limiters(): raise R over the limited set
    /// while every pass stays admissible.
    void
    raise_flux_limiters(const StepScales &scales,
                        const double      relative_tolerance);

    /// sum_{f_ij > 0} R_j f_ij of local row @p row, R with ghosts in
    /// @p Rall.
    double
    incoming_flux(const int row, const double *Rall) const;

    /// Set rows_to_check to the rows (with outgoing fluxes; computed here
    /// if they were not) that have a column whose R in @p Rall (with
    /// ghosts) differs from last_ratio, and update last_ratio.
    void
    list_rows_next_to_changes(const double *Rall);

    /// Set K to the edge matrix of C: W(C) of EdgeDiffusion on Q1 boxes,
    /// else the diffusion part K(C) of the Galerkin operator. Recomputed
    /// only when C changes.
    void
    update_edge_matrix(const DenseMatrix &C);

    /// Fill mass_factor M_L + L(K), K holding K(C).
    void
    fill_low_order_matrix(const double mass_factor);

    /// Solve M_L/dt + L(C) (in low_order) for the right-hand side in rhs
    /// from @p solution, set GMRES round-off negatives to 0 and remove the
    /// residual's mass defect. Returns the GMRES iterations.
    unsigned int
    solve_low_order(const double                           dt,
                    const double                           relative_tolerance,
                    const unsigned int                     max_iterations,
                    dealii::TrilinosWrappers::MPI::Vector &solution);

    /// Build, once after reinit(), what a corrected step needs beyond the
    /// lumped masses (collective; see reinit()).
    void
    build();

    /// Free what build() made for an earlier mesh (reinit()).
    void
    release_built_state();

    KalmanWassersteinOperator<dim> *op = nullptr;
    MPI_Comm                        communicator;
    /// What build() needs of reinit().
    const dealii::DoFHandler<dim>           *dofs          = nullptr;
    const dealii::AffineConstraints<double> *hanging_nodes = nullptr;
    dealii::TrilinosWrappers::MPI::Vector    potential_at_nodes;
    dealii::IndexSet                         relevant_dofs;
    /// Has build() run since reinit()?
    bool built = false;
    /// ILU(0) of the low-order matrix in RCM order: ordering and pattern
    /// analysed once per mesh, factored again when ilu_schedule says so
    /// (a factorization costs about 15 GMRES iterations), from the matrix
    /// ilu_mass_factor M_L + L(ilu_C) (-1: none yet).
    ReorderedIlu    low_order_ilu;
    RebuildSchedule ilu_schedule{15};
    double          ilu_mass_factor = -1;
    DenseMatrix     ilu_C;
    /// First storage index of each local row, and one past the last.
    std::vector<std::size_t> row_start;
    /// Per stored entry: the column's local index in the ghosted vectors.
    std::vector<int> column_in_ghosted;
    /// Per local row: its local index in the ghosted vectors, and the
    /// storage index of its diagonal entry.
    std::vector<int>         row_in_ghosted;
    std::vector<std::size_t> diagonal_entry;
    /// Lumped mass m_i per local row.
    std::vector<double> lumped_mass;
    /// Per local row: is it a constrained unknown (hanging node)?
    std::vector<bool> constrained;
    /// Per stored entry (i, j): B(Phi_j - Phi_i) and B(Phi_i - Phi_j).
    std::vector<double> bernoulli_out, bernoulli_in;
    /// The transpose of the pattern: per entry c of the ghosted vectors,
    /// the local rows with a stored entry in column c are
    /// rows_of_column[column_start[c] .. column_start[c + 1]).
    std::vector<std::size_t> column_start;
    std::vector<int>         rows_of_column;
    /// Scratch of compute_flux_limiters(): R with ghosts as of the last
    /// pass, the rows to check in a pass, and which rows are listed.
    std::vector<double> last_ratio;
    std::vector<int>    rows_to_check;
    std::vector<char>   listed;
    /// The limited set of compute_flux_limiters(): its rows, and per row
    /// whether it is in it.
    std::vector<int>  limited_rows;
    std::vector<char> in_limited_set;

    dealii::TrilinosWrappers::MPI::Vector ghosted_solution, ghosted_rate;
    dealii::TrilinosWrappers::MPI::Vector ghosted_ratio;
    /// The exchange into the three ghosted vectors above (one layout).
    GhostExchange                          ghost_exchange;
    dealii::TrilinosWrappers::MPI::Vector  rhs, ratio;
    dealii::TrilinosWrappers::SparseMatrix low_order;
    /// K(C) (or W(C)) and the fluxes f_ij, per stored entry (f_ij only on
    /// the rows with fluxes_computed).
    std::vector<double> K, flux;
    /// The positive fluxes of a row with fluxes_computed, in storage order
    /// from row_start[row] to positive_end[row], with their columns' ghosted
    /// indices: incoming_flux() reads only these (a limited row is read in
    /// every pass of the limiter).
    std::vector<double>      positive_flux;
    std::vector<int>         positive_column;
    std::vector<std::size_t> positive_end;
    /// Per row: P_i, s_i, the factor of a negative s_i, Q_i (scratch of
    /// correct()).
    std::vector<double> negative_flux, source, source_factor, budget;
    /// Per row: are its fluxes computed in this step; those rows.
    std::vector<char> fluxes_computed;
    std::vector<int>  computed_rows;
    /// One row of A(C) and of A(C)^T (scratch of compute_row_fluxes()).
    std::vector<double> row_A, row_A_transposed;
    /// The C and a = alpha/dt of the step being corrected.
    DenseMatrix step_C;
    double      step_a = 0;
    /// Largest |(M rhodot + A rho^H)_i| and a m_i |rho^H_i| over the rows
    /// with fluxes.
    double residual_and_scale[2] = {0, 0};
    /// Edge weights consistent with C (Q1 on boxes), and the C that K holds.
    EdgeDiffusion<dim> edge_diffusion;
    bool               use_edge_diffusion = false;
    bool               skip_unlimited     = true;
    /// See set_cutoff_tolerance().
    double      cutoff_tolerance = 0;
    DenseMatrix K_for_C;
  };
} // namespace kwfp

#endif
