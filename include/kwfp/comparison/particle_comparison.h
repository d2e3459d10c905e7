#ifndef kwfp_comparison_particle_comparison_h
#define kwfp_comparison_particle_comparison_h

#include <kwfp/base/checkpoint.h>
#include <kwfp/comparison/density_metrics.h>
#include <kwfp/comparison/kernel_density_estimate.h>
#include <kwfp/fokker_planck/density_diagnostics.h>
#include <kwfp/fokker_planck/field_observation.h>
#include <kwfp/fokker_planck/fokker_planck_parameters.h>
#include <kwfp/particles/particle_solver.h>
#include <kwfp/postprocess/postprocessor.h>

#include <deal.II/dofs/dof_handler.h>
#include <deal.II/lac/trilinos_vector.h>
#include <deal.II/lac/vector.h>

#include <fstream>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace kwfp
{
  /**
   * @brief The particles beside the finite-element solution ('Solver =
   * both'), a postprocessor: at each output time (ParticleCoupling has
   * advanced the particles to it) their density on the mesh is estimated
   * (Gaussian kernel density estimate, field `particle_density`; histogram per
   * cell, field `particle_histogram`), and the distances between the FE
   * density, the particle density and the exact density (when known) are
   * written to comparison.csv: for each pair L1, L2, Hellinger, KL both ways
   * and SymKL by quadrature (DensityMetrics), and KL both ways and W2 between
   * the Gaussians with the same moments. KL of the particle density to rho_inf
   * is written as well (KL of the FE density is in diagnostics.csv), and the
   * expected L1 error of the kernel density estimate for a Gaussian target with
   * J particles and bandwidth h
   * (KernelDensityEstimate::gaussian_l1_error_bound()).
   */
  template <int dim>
  class ParticleComparison : public Postprocessor<dim>
  {
  public:
    /// Compare the finite-element run of @p parameters with @p particles.
    ParticleComparison(const FokkerPlanckParameters &parameters,
                       const ParticleSolver         &particles,
                       const MPI_Comm                communicator);

    /// "particle comparison"
    std::string
    name() const override
    {
      return "particle comparison";
    }

    /// Compare the particles (at the observation's time: ParticleCoupling
    /// runs before) with the finite-element density of @p observation; adds
    /// fields to it.
    void
    execute(FieldObservation<dim> &observation) override;

    /// Write the rows and snapshots written so far to a checkpoint.
    void
    save(CheckpointWriter &out) const override;
    /// Continue after a checkpoint (comparison.csv is cut to its rows).
    void
    load(CheckpointReader &in) override;

  private:
    /// Open comparison.csv (rank 0): anew, or continued after
    /// @p resume_rows rows.
    void
    write_header(const bool                          has_exact,
                 const std::optional<std::uint64_t> &resume_rows);

    /// The kernel density estimate @p kde of the particles @p U at the
    /// nodes (field particle_density), and the snapshot for d = 2.
    void
    set_particle_density(const FieldObservation<dim> &observation,
                         const KernelDensityEstimate &kde,
                         const DenseMatrix           &U);

    /// The particles @p U per cell / (J |cell|) on the uniform box mesh of
    /// 'Mesh' (field particle_histogram).
    void
    set_histogram(const FieldObservation<dim> &observation,
                  const DenseMatrix           &U);

    /**
     * For d = 2, snapshots/density-NNNNN.csv (x, y, FE and particle density
     * at the nodes) and snapshots/particles-NNNNN.csv (the ensemble), for
     * the contour plots of scripts/plot_results.py.
     */
    void
    write_snapshot(const std::vector<double> &local,
                   const DenseMatrix         &ensemble,
                   const double               time);

    const FokkerPlanckParameters parameters;
    const ParticleSolver        &particles;
    const MPI_Comm               communicator;
    const BandwidthRule          rule;
    std::ofstream                csv;
    bool                         header_written   = false;
    bool                         header_has_exact = false;
    std::uint64_t                n_rows           = 0;
    unsigned int                 n_snapshots      = 0;
    /// The fields handed to the output (kept alive until it is written).
    dealii::TrilinosWrappers::MPI::Vector particle_density;
    dealii::Vector<float>                 histogram;
  };
} // namespace kwfp

#endif
