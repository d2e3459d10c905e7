#ifndef kwfp_fokker_planck_field_observation_h
#define kwfp_fokker_planck_field_observation_h

#include <kwfp/base/dense_algebra.h>
#include <kwfp/fokker_planck/density_diagnostics.h>
#include <kwfp/gaussian/gaussian.h>

#include <deal.II/dofs/dof_handler.h>
#include <deal.II/lac/trilinos_vector.h>
#include <deal.II/lac/vector.h>

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace kwfp
{
  /**
   * @brief What the finite-element solver hands to an observer at each
   * output time (step 0, every 'Output/Interval' steps, the last step, and
   * the step after which a signal stopped the run). The observer may add
   * nodal and cell fields to the output written next (by the "fields"
   * postprocessor, postprocess/field_files.h).
   */
  template <int dim>
  struct FieldObservation
  {
    double time = 0; ///< t
    /// The mesh and element of the density.
    const dealii::DoFHandler<dim>               *dof_handler = nullptr;
    const dealii::TrilinosWrappers::MPI::Vector *density = nullptr; ///< ghosted
    /// Mass, KL, I_C and errors of the density.
    const DensityDiagnostics<dim> *diagnostics = nullptr;
    /// The FE solution's moments.
    DenseVector mean;
    DenseMatrix covariance; ///< C(rho_h)
    /// The exact solution at this time, when known.
    std::optional<Gaussian> exact;
    /// rho_inf = exp(-Phi_R)/Z at the nodes (ghosted), on the same mesh.
    const dealii::TrilinosWrappers::MPI::Vector *stationary_density = nullptr;
    /**
     * A signal stopped the run after a step that is not an output time:
     * this output is written so that the run's outputs end with its last
     * step, and the checkpoint written next does not count it (a resumed
     * run continues without it).
     */
    bool interrupted = false;
    /**
     * The run broke down (RunFailure) and this is its last good state,
     * handed only to Postprocessor::write_fields() (the fields are written
     * whatever 'Output/Interval' is); nodal_fields and cell_fields are
     * empty.
     */
    bool last_good_state = false;
    std::vector<
      std::pair<std::string, const dealii::TrilinosWrappers::MPI::Vector *>>
      nodal_fields; ///< extra nodal fields to write, by name
    std::vector<std::pair<std::string, const dealii::Vector<float> *>>
      cell_fields; ///< extra cell fields to write, by name
  };

} // namespace kwfp

#endif
