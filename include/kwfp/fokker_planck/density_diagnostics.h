#ifndef kwfp_fokker_planck_density_diagnostics_h
#define kwfp_fokker_planck_density_diagnostics_h

#include <kwfp/base/dense_algebra.h>
#include <kwfp/gaussian/gaussian.h>
#include <kwfp/potential/potential.h>

#include <deal.II/base/quadrature_lib.h>
#include <deal.II/dofs/dof_handler.h>
#include <deal.II/lac/trilinos_vector.h>

#include <Epetra_BlockMap.h>

#include <memory>
#include <optional>
#include <vector>

namespace kwfp
{
  /// The nonlinear functionals of a density computed by quadrature.
  struct DensityFunctionals
  {
    /// KL(rho_h || rho_inf), (4.5).
    double kl = 0;
    /// Kalman-Fisher information I_C, (4.6).
    double kalman_fisher = 0;
    /// int |rho_h - rho_inf|: the distance from equilibrium.
    double l1_stationary = 0;
    /// int |rho_h - rho_exact| and (int (rho_h - rho_exact)^2)^{1/2}.
    double l1_error = 0;
    double l2_error = 0; ///< (int (rho_h - rho_exact)^2)^{1/2}
  };

  /**
   * @brief KL divergence to the stationary density, Kalman-Fisher
   * information and errors against an exact density, by quadrature.
   *
   * rho_inf = exp(-Phi_R) / Z with ln Z = -Phi_min + ln int exp(-(Phi_R -
   * Phi_min)), Phi_min the minimum of Phi_R over the quadrature points, so
   * that nothing underflows however large Phi_R is. Phi_R and grad Phi_R are
   * evaluated once per quadrature point and kept.
   *   KL  = int rho ln(rho / rho_inf)  over the points where rho_h > 0,
   *   I_C = int (J^T C J) / rho,  J = grad rho + rho grad Phi_R,
   * over the points where rho_h > 1e-10 max rho_h (the floor keeps round-off
   * in the far tails, where rho_h may change sign, out of the quotient).
   *
   * The evaluation runs every time step, so it avoids FEValues: rho_h and
   * grad rho_h at the points are sums of the nodal values times the shape
   * functions and their reference gradients, tabulated once, with grad =
   * J^{-T} grad_ref (the inverse Jacobian kept per cell when every cell is a
   * parallelogram, as on kwfp's box meshes, else per point).
   */
  template <int dim>
  class DensityDiagnostics
  {
  public:
    /// Relative density floor of the Kalman-Fisher information.
    static constexpr double fisher_floor = 1e-10;

    /**
     * Evaluate and keep Phi_R and grad Phi_R at the quadrature points.
     * Throws InputError (on every rank) where they are not finite.
     */
    void
    reinit(const dealii::DoFHandler<dim> &dof_handler,
           const dealii::Quadrature<dim> &quadrature,
           const Potential               &potential,
           const MPI_Comm                 communicator);

    /// ln Z of rho_inf = exp(-Phi_R)/Z over the box.
    double
    log_normalization() const;

    /**
     * The functionals of @p density (with ghost entries), @p C the matrix of
     * (4.6), @p max_density the global maximum of rho_h, @p exact the exact
     * density if known (then the errors are computed).
     */
    DensityFunctionals
    evaluate(const dealii::TrilinosWrappers::MPI::Vector &density,
             const DenseMatrix                           &C,
             const double                                 max_density,
             const std::optional<Gaussian>               &exact) const;

    /// The quadrature points of the locally owned cells, in cell order.
    std::vector<dealii::Point<dim>>
    quadrature_points() const;

    /// Their weights JxW.
    const std::vector<double> &
    quadrature_weights() const;

    /// rho_inf = exp(-Phi_R) / Z at the quadrature points.
    std::vector<double>
    stationary_values() const;

    /**
     * Mean and covariance of rho_inf = exp(-Phi_R)/Z on the box by the same
     * quadrature (two passes: the mean, then the centred second moments);
     * the reference posterior moments in d <= 3. @p mass is the integral
     * of rho_inf with Z computed by this quadrature, i.e. 1 to round-off.
     */
    void
    stationary_moments(double      &mass,
                       DenseVector &mean,
                       DenseMatrix &covariance) const;

    /// @p density (with ghost entries) at the quadrature points.
    std::vector<double>
    values(const dealii::TrilinosWrappers::MPI::Vector &density) const;

  private:
    /// Coordinate @p a of quadrature point k (from point_components).
    double
    coordinate(const std::size_t k, const unsigned int a) const;

    /// The density's values in the ghosted vector, the local indices of the
    /// cells' dofs updated if its layout changed.
    const double *
    local_values(const dealii::TrilinosWrappers::MPI::Vector &density) const;

    /**
     * rho_h at the quadrature points of locally owned cell @p c into
     * reference[q] and, if @p gradients, its reference gradient into
     * reference[(b + 1) n_q + q] and grad rho_h into grad[a n_q + q];
     * @p values from local_values(). Sizes known at compile time where
     * they are not 0.
     */
    template <int n_q_static, int n_dofs_static>
    void
    interpolate(const std::size_t c,
                const double     *values,
                const bool        gradients,
                double           *reference,
                double           *grad) const;

    /// The sums of evaluate() over the locally owned cells (kl, I_C, l1,
    /// l2^2, l1 to rho_inf), with the number of quadrature points and of
    /// dofs per cell known at compile time (0: not).
    template <int n_q_static, int n_dofs_static>
    void
    sum_functionals(const dealii::TrilinosWrappers::MPI::Vector &density,
                    const DenseMatrix                           &C,
                    const double                                 max_density,
                    const std::optional<Gaussian>               &exact,
                    double (&sums)[5]) const;

    const dealii::DoFHandler<dim> *dof_handler = nullptr;
    dealii::Quadrature<dim>        quadrature;
    MPI_Comm                       communicator;
    double                         log_Z = 0;
    /// Per quadrature point k of the locally owned cells, in cell order.
    std::vector<double> JxW;
    std::vector<double> Phi;
    /// Per cell c, the coordinate a of the points and of grad Phi_R at them
    /// at [(c dim + a) n_q + q] (one array per coordinate and cell, so that
    /// the loops over the points of a cell vectorize).
    std::vector<double> point_components;
    std::vector<double> grad_Phi_components;
    /// rho_inf = exp(-Phi_R - ln Z) at the quadrature points.
    std::vector<double> stationary;
    /// The reference cell's phi_i(x_q) at [i (dim + 1) n_q + q] and
    /// d phi_i / d x_ref_b (x_q) at [i (dim + 1) n_q + (b + 1) n_q + q]: rho
    /// and its reference gradient at all points are one sum over i.
    std::vector<double> interpolation_table;
    /// Inverse Jacobians dx_ref/dx: one per cell if every cell is affine,
    /// else one per point.
    std::vector<dealii::Tensor<2, dim>> inverse_jacobians;
    bool                                affine_cells = true;
    /// Global dof indices of the locally owned cells, in cell order.
    std::vector<dealii::types::global_dof_index> cell_dofs;
    /// Their local indices in the ghosted vector whose map is lid_map.
    mutable std::vector<int>                 cell_lids;
    mutable std::unique_ptr<Epetra_BlockMap> lid_map;
  };
} // namespace kwfp

#endif
