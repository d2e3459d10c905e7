#ifndef kwfp_fokker_planck_edge_diffusion_h
#define kwfp_fokker_planck_edge_diffusion_h

#include <kwfp/base/dense_algebra.h>
#include <kwfp/fokker_planck/kalman_wasserstein_operator.h>

#include <deal.II/dofs/dof_handler.h>
#include <deal.II/lac/affine_constraints.h>
#include <deal.II/lac/trilinos_sparse_matrix.h>

#include <vector>

namespace kwfp
{
  /**
   * @brief Non-negative edge weights that represent the constant diffusion
   * tensor C on every Q1 cell (the low-order operator of the flux
   * correction; doc/numerics.md, "Stabilization").
   *
   * On an axis-parallel cell with extents h_1..h_d and volume V the weights
   * gamma_e of its edges (the 2^{d-1} edges along each axis a, and the
   * face diagonals in each plane (a, b) along the sign of C_ab) satisfy
   *   sum_e gamma_e e e^T = V C,
   * so that sum_e gamma_e (e . g)^2 = V g^T C g for every gradient g and
   * the drift of an edge, gamma_e (e . grad Phi_R), adds up to V C grad
   * Phi_R: the edge-wise Scharfetter-Gummel operator built on them is
   * consistent with (4.1). With n = 2^{d-2} diagonals of each sign in a
   * plane and n_a = 2^{d-1} edges along an axis,
   *   gamma_ab = V |C_ab| / (n h_a h_b),
   *   gamma_a  = max(0, V C_aa - sum_{b != a} V |C_ab| h_a / h_b) / (n_a
   * h_a^2). The max is active only where |C_ab| > C_aa h_b / h_a (correlation
   * the cell's aspect ratio cannot represent); there the weights add diffusion
   * along axis a. The Q1 stiffness matrix K(C), whose positive
   * off-diagonal entries had to be dropped instead, loses whole directions
   * of C on anisotropic cells (for C = diag(1, 33) on a square every
   * horizontal coupling -1/3 + 33/6 is positive).
   *
   * Weights of a whole mesh are assembled as the matrix W(C) = sum over cells
   * and edges of gamma_e (e_i - e_j)(e_i - e_j)^T with the hanging-node
   * constraints, so that w_ij = max(0, -W_ij) are the edge weights of the
   * unknowns.
   */
  template <int dim>
  class EdgeDiffusion
  {
  public:
    /// Whether @p dof_handler is one this class handles: Q1 on cells that
    /// are axis-parallel boxes.
    static bool
    applies_to(const dealii::DoFHandler<dim> &dof_handler);

    /// Prepare for the operator's pattern (the storage order of values()).
    void
    reinit(const dealii::DoFHandler<dim>           &dof_handler,
           const dealii::AffineConstraints<double> &constraints,
           const KalmanWassersteinOperator<dim>    &op);

    /// Free what reinit() built (a mesh whose steps are never corrected).
    void
    clear()
    {
      direct = false;
      std::vector<long long>().swap(storage_index);
      n_values    = 0;
      dof_handler = nullptr;
      constraints = nullptr;
      matrix.clear();
    }

    /// The values of W(C) in the storage order of the operator's pattern
    /// (see KalmanWassersteinOperator::operator_values()).
    void
    values(const DenseMatrix &C, std::vector<double> &values_of_W);

    /// The edge weights gamma of one cell with extents @p h (see above),
    /// as a 2^d x 2^d matrix sum_e gamma_e (e_i - e_j)(e_i - e_j)^T over its
    /// vertices in deal.II's (lexicographic) order.
    static dealii::FullMatrix<double>
    cell_matrix(const DenseMatrix &C, const dealii::Tensor<1, dim> &h);

  private:
    /// Without hanging nodes W(C) is summed straight into the value array:
    /// per locally owned or ghost cell, the storage index of each entry
    /// (vertex u, vertex v) in an owned row, or -1 (row of another rank).
    bool                   direct = false;
    std::vector<long long> storage_index;
    std::size_t            n_values = 0;

    const dealii::DoFHandler<dim>           *dof_handler = nullptr;
    const dealii::AffineConstraints<double> *constraints = nullptr;
    dealii::TrilinosWrappers::SparseMatrix   matrix;
  };
} // namespace kwfp

#endif
