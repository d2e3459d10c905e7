#ifndef kwfp_fokker_planck_kalman_wasserstein_operator_h
#define kwfp_fokker_planck_kalman_wasserstein_operator_h

#include <kwfp/base/dense_algebra.h>
#include <kwfp/potential/potential.h>

#include <deal.II/base/quadrature_lib.h>
#include <deal.II/dofs/dof_handler.h>
#include <deal.II/lac/affine_constraints.h>
#include <deal.II/lac/trilinos_sparse_matrix.h>
#include <deal.II/lac/trilinos_sparsity_pattern.h>
#include <deal.II/lac/trilinos_vector.h>

#include <array>
#include <vector>

namespace kwfp
{
  /// The values of @p m, row by row, in Epetra's local storage order (the
  /// order of KalmanWassersteinOperator::operator_values()).
  std::vector<double>
  storage_order_values(const dealii::TrilinosWrappers::SparseMatrix &m);

  /**
   * @brief The Galerkin matrices of (4.1), built once so that a new C costs
   * one pass over the matrix values and no finite-element assembly.
   *
   * The weak form of d_t rho = div(C (rho grad Phi_R + grad rho)) with
   * no-flux boundary is (d_t rho, v) + (C (grad rho + rho grad Phi_R),
   * grad v) = 0. Since C is constant in space,
   *   A(C) = sum_{a <= b} C_ab P_ab,
   *   P_ab[i][j] = (F_j^b, d_a phi_i) + [a != b] (F_j^a, d_b phi_i),
   *   F_j = grad phi_j + phi_j grad Phi_R,
   * with d(d+1)/2 matrices P_ab of one common sparsity pattern. The step
   * matrix of a BDF method, alpha/dt M + A(C), is then a linear combination
   * of stored value arrays (step_matrix()). Every column of A(C) sums to zero
   * (the constant test function has zero gradient), so the scheme conserves
   * the mass 1^T M rho exactly up to the linear-solver residual.
   */
  template <int dim>
  class KalmanWassersteinOperator
  {
  public:
    /**
     * Assemble M and the P_ab on @p dof_handler with the quadrature
     * @p quadrature. @p constraints are applied to every matrix. With
     * @p for_flux_correction, grad Phi_R at the quadrature points is kept
     * for assemble_transposed_pieces(), which the flux correction calls
     * when it first needs to limit (a run whose Galerkin steps stay
     * non-negative never needs those matrices: G2 at 128^2 Q2 peaks at
     * 291 instead of 402 MiB).
     */
    void
    reinit(const dealii::DoFHandler<dim>           &dof_handler,
           const dealii::AffineConstraints<double> &constraints,
           const Potential                         &potential,
           const dealii::Quadrature<dim>           &quadrature,
           const MPI_Comm                           communicator,
           const bool for_flux_correction = false);

    /**
     * Assemble, once after a reinit() with for_flux_correction, the values
     * of every P_ab^T in the storage order of P_ab, so that A(C)^T is
     * available row by row on every MPI rank without communication, and
     * those of the diffusion part K_ab[i][j] = (d_b phi_j, d_a phi_i)
     * (+ (d_a phi_j, d_b phi_i), a != b) alone. @p dof_handler and
     * @p constraints must be those of reinit(). No call of the potential:
     * its gradients at the quadrature points were kept. The values are
     * those a single assembly with M and the P_ab gives, to the bit.
     * Collective over the communicator of reinit().
     */
    void
    assemble_transposed_pieces(
      const dealii::DoFHandler<dim>           &dof_handler,
      const dealii::AffineConstraints<double> &constraints);

    /// Whether the values of the P_ab^T and K_ab are assembled.
    bool
    has_transposed_pieces() const
    {
      return !transposed_values.empty();
    }

    /// The consistent mass matrix M[i][j] = (phi_j, phi_i).
    const dealii::TrilinosWrappers::SparseMatrix &
    mass_matrix() const
    {
      return mass;
    }

    /// Overwrite @p matrix (built by reinit_matrix()) with mass_factor M +
    /// A(C).
    void
    step_matrix(const double                            mass_factor,
                const DenseMatrix                      &C,
                dealii::TrilinosWrappers::SparseMatrix &matrix) const;

    /**
     * The values of A(C) and A(C)^T (after assemble_transposed_pieces()) at
     * the storage indices [@p begin, @p end) of Epetra's local storage order
     * of the operator's pattern (entry k of local row r is the k-th value
     * of that row, rows one after the other): whole rows, e.g. one row's
     * entries, into @p values_of_A and @p transposed (end - begin values
     * each). A(C) = sum_{a <= b} C_ab P_ab, entry by entry.
     */
    void
    operator_values(const DenseMatrix &C,
                    const std::size_t  begin,
                    const std::size_t  end,
                    double            *values_of_A,
                    double            *transposed) const;

    /// The values of the symmetric diffusion matrix K(C) = sum C_ab K_ab
    /// in the same storage order (after assemble_transposed_pieces()).
    void
    diffusion_values(const DenseMatrix   &C,
                     std::vector<double> &values_of_K) const;

    /**
     * 1^T S x for the step matrix S = mass_factor M + A(C) of step_matrix(),
     * summed over the locally owned entries of @p x (the caller sums over
     * the ranks): sum_p f_p (1^T P_p) x with the column sums 1^T P_p of the
     * pieces kept by reinit(), n_pieces products of length n instead of a
     * product with S.
     */
    double
    local_total_of_product(
      const double                                 mass_factor,
      const DenseMatrix                           &C,
      const dealii::TrilinosWrappers::MPI::Vector &x) const;

    /// The values of M in the same storage order.
    const std::vector<double> &
    mass_values() const
    {
      return values[0];
    }

    /// Give @p matrix the sparsity pattern of the operator.
    void
    reinit_matrix(dealii::TrilinosWrappers::SparseMatrix &matrix) const
    {
      matrix.reinit(sparsity);
    }

  private:
    /**
     * Rows of constrained unknowns (hanging nodes) keep only their entry of
     * M: the step matrix has the row (alpha/dt) M_ii on them whatever C is;
     * their values come from AffineConstraints::distribute(). Zeroes those
     * rows in each of @p arrays (values in storage order).
     */
    void
    zero_constrained_rows(const dealii::AffineConstraints<double>  &constraints,
                          const std::vector<std::vector<double> *> &arrays);

    /// The column sums 1^T P_p of every piece as stored, owned entries.
    void
    compute_column_sums(const MPI_Comm communicator);

    /// M, then P_ab for a <= b.
    static constexpr unsigned int n_pieces = 1 + dim * (dim + 1) / 2;

    /// The factors f_p of S = sum_p f_p P_p: mass_factor, then C_ab, a <= b.
    std::array<double, n_pieces>
    step_factors(const double mass_factor, const DenseMatrix &C) const;

    /// Overwrite @p matrix with sum_p factors[p] P_p.
    void
    write_combination(const std::array<double, n_pieces>     &factors,
                      dealii::TrilinosWrappers::SparseMatrix &matrix) const;

    dealii::TrilinosWrappers::SparsityPattern sparsity;
    dealii::TrilinosWrappers::SparseMatrix    mass;
    /// Values of M, then of P_ab for a <= b, in Epetra's local storage order.
    std::vector<std::vector<double>> values;
    /// Values of P_ab^T and of K_ab for a <= b (empty until
    /// assemble_transposed_pieces()).
    std::vector<std::vector<double>> transposed_values;
    std::vector<std::vector<double>> diffusion_piece_values;
    /// Whether the pieces were not added through Trilinos alone (reinit()).
    bool through_trilinos = false;
    /// Set by reinit() with for_flux_correction until
    /// assemble_transposed_pieces() has run.
    bool transposes_pending = false;
    /// What assemble_transposed_pieces() needs of reinit(): grad Phi_R at
    /// the locally owned quadrature points (freed after) and the rule.
    DenseMatrix             pending_gradients;
    dealii::Quadrature<dim> pending_quadrature;
    /// 1^T P_p for every piece of values, laid out as the columns.
    std::vector<dealii::TrilinosWrappers::MPI::Vector> column_sums;
    /// sum_p f_p 1^T P_p of the last local_total_of_product() (scratch).
    mutable std::vector<double> combined_column_sums;
  };
} // namespace kwfp

#endif
