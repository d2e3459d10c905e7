#ifndef kwfp_fokker_planck_mesh_parameters_h
#define kwfp_fokker_planck_mesh_parameters_h

#include <deal.II/base/parameter_handler.h>

#include <string>
#include <vector>

namespace kwfp
{
  /// The largest 'Mesh/Cutoff tolerance' (a fraction of the mass a cut may
  /// move in one step), checked by the parameters and by
  /// FluxCorrectedTransport::set_cutoff_tolerance().
  inline constexpr double max_cutoff_tolerance = 1e-6;

  /// The parameters of subsection 'Mesh': the box, its mesh, the
  /// stabilization and the mesh adaptation of the finite-element solver,
  /// declared and parsed by its module.
  struct MeshParameters
  {
    std::vector<double>       lower_corner;           ///< of the box, d numbers
    std::vector<double>       upper_corner;           ///< of the box, d numbers
    std::vector<unsigned int> subdivisions;           ///< coarse cells per axis
    unsigned int              global_refinements = 0; ///< of the coarse mesh
    unsigned int              degree             = 2; ///< Q1 or Q2
    /// Algebraic flux correction of every step (positivity, mass).
    bool flux_corrected = true;
    /// The low-order (first-order, positive, exact at equilibrium)
    /// scheme alone, without the Galerkin predictor ('Stabilization =
    /// low-order'); flux_corrected is then true too (same operator).
    bool low_order_scheme = false;
    /// Keep a Galerkin step that needs no limiting as it is (true), or
    /// solve the corrected system every step (false: a check of the
    /// correction, which then returns rho^H to the solver's tolerance).
    bool skip_unlimited_steps = true;
    /// Galerkin steps whose negative nodal values hold at most this
    /// fraction of the mass are cut off (max(rho, 0), scaled to the mass)
    /// instead of corrected; 0: always corrected.
    double cutoff_tolerance = 1e-8;
    /// Adaptive refinement and coarsening (d = 2, 3): Kelly indicator of
    /// the density, fixed fractions, every refinement_interval steps.
    bool         adaptive            = false;
    unsigned int refinement_interval = 5;   ///< steps between adaptations
    double       refine_fraction     = 0.3; ///< of the cells, refined
    double       coarsen_fraction    = 0.3; ///< of the cells, coarsened
    unsigned int minimum_level       = 0;   ///< coarsening stops here
    unsigned int maximum_level       = 8;   ///< refinement stops here
    unsigned int maximum_cells       = 0;   ///< 0: no limit
    unsigned int initial_cycles      = 3;   ///< adaptations of rho_0
    /// Remesh a box that follows the density: its tails (1e-6 of the
    /// mass) plus box_margin standard deviations on each side.
    bool   moving_box = false;
    double box_margin = 2; ///< in standard deviations

    /// Declare the entries in the current subsection of @p prm.
    static void
    declare_parameters(dealii::ParameterHandler &prm);

    /// Read them from the current subsection of @p prm for dimension @p d;
    /// a bad value is an InputError naming @p path followed by the entry.
    void
    parse_parameters(const dealii::ParameterHandler &prm,
                     const unsigned int              d,
                     const std::string              &path = "Mesh/");
  };
} // namespace kwfp

#endif
