#ifndef kwfp_fokker_planck_flux_corrected_transport_h
#define kwfp_fokker_planck_flux_corrected_transport_h

#include <kwfp/base/dense_algebra.h>
#include <kwfp/fokker_planck/kalman_wasserstein_operator.h>

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
   * time step of (4.1) (algebraic flux correction, Kuzmin's FEM-FCT with a
   * high-order predictor; doc/numerics.md, "Stabilization").
   *
   * The high-order (Galerkin) step gives rho^H with
   *   M rhodot = -A rho^H,   rhodot = a rho^H - b
   * (BDF1: a = 1/dt, b = rho^n/dt; BDF2: a = 3/(2 dt), b = (2 rho^n -
   * rho^{n-1}/2)/dt). Discrete upwinding d_ij = max(0, A_ij, A_ji) (i != j)
   * turns A into L = A + D, D_ij = -d_ij, D_ii = sum_j d_ij, whose
   * off-diagonal entries are <= 0 and whose columns sum to zero. With the
   * lumped mass m_i = sum_j M_ij the same step reads exactly
   *   (M_L/dt + L) rho^H = M_L rho^n/dt + s + sum_j f_ij,
   *   f_ij = M_ij (rhodot_i - rhodot_j) + d_ij (rho^H_i - rho^H_j) = -f_ji,
   *   s_i  = m_i ((rho^H_i - rho^n_i)/dt - rhodot_i)   (0 for BDF1).
   * The corrected step solves the same system with limited right-hand side
   *   (M_L/dt + L) rho = M_L rho^n/dt + s' + sum_j alpha_ij f_ij,
   * alpha_ij = alpha_ji in [0, 1] chosen (Zalesak) so that every entry of
   * the right-hand side is >= 0, and s' the source s with its negative parts
   * limited the same way and its positive parts scaled so that sum s' = 0.
   * M_L/dt + L is an M-matrix, so rho >= 0; the fluxes are antisymmetric and
   * the columns of L sum to zero, so the mass 1^T M rho equals that of rho^n.
   * Where no limiting is needed (alpha = 1, s' = s) rho = rho^H: the scheme
   * keeps the accuracy of the Galerkin step wherever that step keeps the
   * density non-negative. Only grad Phi_R enters (through A), never
   * exp(+-Phi_R), so nothing overflows however large Phi_R is.
   */
  template <int dim>
  class FluxCorrectedTransport
  {
  public:
    /// What one correction did.
    struct Statistics
    {
      /// False when rho^H was kept unchanged (nothing to limit).
      bool corrected = false;
      /// Number of unknowns (all ranks) whose fluxes or source were limited.
      unsigned long long limited_nodes = 0;
      /// GMRES iterations of the low-order solve.
      unsigned int iterations = 0;
    };

    /**
     * Prepare for the operator @p op (built with keep_transpose = true) on
     * the unknowns @p owned (with ghosts @p relevant).
     */
    void
    reinit(const KalmanWassersteinOperator<dim> &op,
           const dealii::IndexSet               &owned,
           const dealii::IndexSet               &relevant,
           const MPI_Comm                        communicator);

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

  private:
    const KalmanWassersteinOperator<dim> *op = nullptr;
    MPI_Comm                              communicator;
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

    dealii::TrilinosWrappers::MPI::Vector  ghosted_solution, ghosted_rate;
    dealii::TrilinosWrappers::MPI::Vector  ghosted_ratio;
    dealii::TrilinosWrappers::MPI::Vector  rhs, ratio;
    dealii::TrilinosWrappers::SparseMatrix low_order;
    std::vector<double>                    A, A_transposed, flux;
  };
} // namespace kwfp

#endif
