#ifndef kwfp_postprocess_end_of_run_files_h
#define kwfp_postprocess_end_of_run_files_h

#include <kwfp/postprocess/postprocessor_registry.h>

namespace kwfp
{
  /// @brief A postprocessor that acts only when the time loop has ended
  /// (finish()), under a fixed name.
  template <int dim>
  class EndOfRunPostprocessor : public Postprocessor<dim>
  {
  public:
    /// Named @p label, built from @p settings.
    EndOfRunPostprocessor(const std::string           &label,
                          const PostprocessorSettings &settings)
      : settings(settings)
      , label(label)
    {}

    std::string
    name() const override
    {
      return label;
    }

  protected:
    /// Where to write, the communicator, the console, ...
    const PostprocessorSettings settings;

  private:
    const std::string label;
  };


  /**
   * @brief "posterior": the mass, mean and covariance of the posterior
   * exp(-Phi_R)/Z by quadrature on the final mesh (an adapted mesh resolves
   * rho_inf best at the end), into DIR/posterior.csv, the console and
   * RunSummary::posterior_mean/posterior_covariance (the quadrature row of
   * posterior_table.md).
   */
  template <int dim>
  struct PosteriorQuadrature : EndOfRunPostprocessor<dim>
  {
    /// Built from @p settings.
    explicit PosteriorQuadrature(const PostprocessorSettings &settings);
    /// Write the file (collective).
    void
    finish(RunEnd<dim> &end) override;
  };


  /// @brief "final density": write_nodal_density() of the final density
  /// into DIR/density_final.csv (for plots).
  template <int dim>
  struct FinalDensity : EndOfRunPostprocessor<dim>
  {
    /// Built from @p settings.
    explicit FinalDensity(const PostprocessorSettings &settings);
    /// Write the file (collective).
    void
    finish(RunEnd<dim> &end) override;
  };


  /**
   * @brief "KL decay": the analysis of the run's KL(rho || rho_inf) and
   * I_C samples (analyse_kl_decay(): the dissipation identity dKL/dt =
   * -I_C, the rate fitted over 'Comparison/Decay fit window' against the
   * exact rate and the bound of Proposition 2), into DIR/kl_decay.csv, the
   * console and RunSummary::kl_decay.
   */
  template <int dim>
  struct KlDecayFit : EndOfRunPostprocessor<dim>
  {
    /// Built from @p settings.
    explicit KlDecayFit(const PostprocessorSettings &settings);
    /// Write the file (collective).
    void
    finish(RunEnd<dim> &end) override;
  };


  /**
   * Write the nodal values of @p density (owned entries) at the support
   * points of @p dof_handler to @p filename, gathered on rank 0: header
   * u_1,..,u_d,density, one row per unknown (contours of the density under
   * the particle clouds). Collective.
   */
  template <int dim>
  void
  write_nodal_density(const dealii::DoFHandler<dim>               &dof_handler,
                      const dealii::TrilinosWrappers::MPI::Vector &density,
                      const std::string                           &filename,
                      const MPI_Comm communicator);
} // namespace kwfp

#endif
