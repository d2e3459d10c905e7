#ifndef kwfp_fokker_planck_moments_h
#define kwfp_fokker_planck_moments_h

#include <kwfp/base/dense_algebra.h>

#include <deal.II/base/quadrature_lib.h>
#include <deal.II/dofs/dof_handler.h>
#include <deal.II/lac/trilinos_vector.h>

#include <vector>

namespace kwfp
{
  /// Mass, mean and covariance of a density.
  struct Moments
  {
    double      mass = 0;   ///< int rho
    DenseVector mean;       ///< m(rho), (3.6)
    DenseMatrix covariance; ///< C(rho), (3.6)
  };

  /**
   * @brief Mass, mean m(rho) and covariance C(rho) of the finite-element
   * density, (3.6) of Garbuno-Inigo et al. (2020), by exact quadrature.
   *
   * Each moment is a linear functional of the coefficient vector: with s the
   * center of the box, the vectors w[i] = int phi_i, int (u_a - s_a) phi_i
   * and int (u_a - s_a)(u_b - s_b) phi_i are computed once, and a moment is
   * then a dot product, all reduced over the MPI ranks in one call:
   *   mass = w_0 . rho,  m = s + (w_a . rho) / mass,
   *   C = (w_ab . rho) / mass - (m - s)(m - s)^T.
   * Centering at s keeps the cancellation in the last line to the ratio of
   * the box size to the spread of rho.
   */
  template <int dim>
  class MomentFunctionals
  {
  public:
    /// Compute the vectors w for the mesh of @p dof_handler with @p quadrature,
    /// centered at @p center.
    void
    reinit(const dealii::DoFHandler<dim> &dof_handler,
           const dealii::Quadrature<dim> &quadrature,
           const dealii::Point<dim>      &center,
           const MPI_Comm                 communicator);

    /// The moments of @p density (locally owned entries suffice).
    Moments
    compute(const dealii::TrilinosWrappers::MPI::Vector &density) const;

    /// The mass int rho alone.
    double
    mass(const dealii::TrilinosWrappers::MPI::Vector &density) const;

  private:
    dealii::Point<dim> center;
    MPI_Comm           communicator;
    /// weights[k][local index]: k = 0 mass, 1..d first, then a <= b second.
    std::vector<std::vector<double>> weights;
  };
} // namespace kwfp

#endif
