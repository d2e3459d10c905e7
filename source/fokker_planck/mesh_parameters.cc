#include <kwfp/base/dense_algebra.h>
#include <kwfp/base/errors.h>
#include <kwfp/fokker_planck/mesh_parameters.h>

#include <algorithm>

namespace kwfp
{
  using namespace dealii;


  namespace
  {
    /// The entries of adaptive refinement (Kelly indicator of the density).
    void
    declare_adaptive_refinement(ParameterHandler &prm)
    {
      prm.declare_entry(
        "Adaptive refinement",
        "false",
        Patterns::Bool(),
        "Refine the mesh where the density varies and coarsen it where the "
        "density has left (Kelly indicator of the density; d = 2 and 3 only), "
        "at the start and every 'Refinement interval' steps. The solution and "
        "its BDF2 history are carried over with "
        "parallel::distributed::SolutionTransfer and rescaled to their mass.");
      prm.declare_entry("Refinement interval",
                        "5",
                        Patterns::Integer(),
                        "Adaptive refinement: steps between two adaptations.");
      prm.declare_entry("Refine fraction",
                        "0.3",
                        Patterns::Double(),
                        "Adaptive refinement: the fraction of cells with the "
                        "largest indicator that are refined.");
      prm.declare_entry("Coarsen fraction",
                        "0.3",
                        Patterns::Double(),
                        "Adaptive refinement: the fraction of cells with the "
                        "smallest indicator that are coarsened.");
      prm.declare_entry("Minimum refinement level",
                        "0",
                        Patterns::Integer(),
                        "Adaptive refinement: no cell is coarser than this "
                        "many refinements of the coarse mesh (at most 'Global "
                        "refinements').");
      prm.declare_entry("Maximum refinement level",
                        "8",
                        Patterns::Integer(),
                        "Adaptive refinement: no cell is finer than this "
                        "many refinements of the coarse mesh (at least "
                        "'Global refinements').");
      prm.declare_entry("Maximum cells",
                        "0",
                        Patterns::Integer(),
                        "Adaptive refinement: refinement stops at about this "
                        "many cells (0: no limit).");
      prm.declare_entry("Initial refinement cycles",
                        "3",
                        Patterns::Integer(),
                        "Adaptive refinement: times the mesh is adapted to the "
                        "initial density (interpolated anew each time) before "
                        "the first step.");
    }
  } // namespace


  void
  MeshParameters::declare_parameters(ParameterHandler &prm)
  {
    prm.declare_entry("Lower corner",
                      "-8, -8",
                      Patterns::Anything(),
                      "Lower corner of the box (d numbers). No-flux boundary.");
    prm.declare_entry("Upper corner",
                      "8, 8",
                      Patterns::Anything(),
                      "Upper corner of the box (d numbers).");
    prm.declare_entry("Subdivisions",
                      "1",
                      Patterns::Anything(),
                      "Coarse cells per axis: one number for all axes, or d "
                      "numbers. A run whose uniform mesh (these and 'Global "
                      "refinements') needs more memory than the machine has "
                      "available (at least 1.5 kB per unknown in 2-D, 4 kB "
                      "in 3-D; with particles beside it, together with "
                      "their 40 bytes per coordinate) stops at the start "
                      "with exit 2.");
    prm.declare_entry("Global refinements",
                      "6",
                      Patterns::Integer(),
                      "Times the coarse mesh is refined (each halves h).");
    prm.declare_entry("Finite element degree",
                      "2",
                      Patterns::Integer(),
                      "Degree of the continuous Lagrange elements Q_p "
                      "(1 or 2).");
    prm.declare_entry(
      "Stabilization",
      "flux-corrected",
      Patterns::Selection("flux-corrected|low-order|none"),
      "flux-corrected: each Galerkin step is corrected by algebraic flux "
      "correction (FEM-FCT) so that the density stays >= 0 at the nodes "
      "and the mass is conserved, whatever the drift and C; where the "
      "Galerkin step stays >= 0 it is kept unchanged. low-order: the "
      "correction's low-order scheme alone (exponentially fitted edge "
      "fluxes, lumped mass, implicit Euler): positive, conservative, exact "
      "at equilibrium, first order in space and time; needs 'Time "
      "stepping/Scheme = BDF1'. none: the plain Galerkin scheme, which can "
      "produce negative densities when the drift dominates (cell Peclet "
      "number h |grad Phi_R| / 2 > 1).");
    prm.declare_entry(
      "Skip unlimited steps",
      "true",
      Patterns::Bool(),
      "With 'Stabilization = flux-corrected': true keeps a Galerkin step "
      "that is >= 0 (to -1e-12 of its maximum) and needs no limiting as it "
      "is, without the correction's low-order solve; false solves the "
      "corrected system every step, which where nothing is limited gives "
      "the Galerkin step back to the linear solver's tolerance (a check of "
      "the correction; each step then costs a low-order solve more).");
    prm.declare_entry(
      "Cutoff tolerance",
      "1e-8",
      Patterns::Double(),
      "With 'Stabilization = flux-corrected' (and 'Skip unlimited steps'): "
      "a Galerkin step whose negative nodal values hold at most this "
      "fraction of the mass of its positive ones, sum_i m_i max(0, -rho_i) "
      "<= tol sum_i m_i max(0, rho_i) (m_i the lumped masses), is made >= 0 "
      "by the cutoff instead of the flux correction: negatives set to 0 and "
      "the density scaled to the mass of the previous step. Setting the "
      "negatives to 0 raises no nodal error (the exact density is >= 0); "
      "the scaling changes every value by this fraction at most, so a cut "
      "moves at most this fraction of the mass (1e-4 over 1e4 steps with "
      "the default), at a fraction of the correction's cost; larger "
      "undershoots are corrected. Unlike the correction, the cut is not "
      "local. 0: every step with a value below -1e-12 of the maximum is "
      "corrected. Between 0 and 1e-6.");
    declare_adaptive_refinement(prm);
    prm.declare_entry(
      "Moving box",
      "false",
      Patterns::Bool(),
      "Move and resize the box with the density (for densities that travel "
      "or shrink by orders of magnitude, as in the Kalman-Wasserstein flow "
      "from a wide start). Needs a positive scheme (Stabilization). After "
      "every step, per coordinate, the tails of the density are located: "
      "the coordinates below and above which 1e-6 of the mass lies (from "
      "the lumped nodal masses in 1024 bins). The box moves when a tail "
      "comes within half a margin (Box margin) of its wall, or when the box "
      "is more than twice as wide as the tails plus margins. The new box "
      "holds the tails plus a margin on each side; it is meshed as the first "
      "(subdivisions, global refinements, initial refinement cycles) and "
      "rho^n, rho^{n-1}, rho^{n-2} are interpolated onto it (zero outside "
      "the old box) and rescaled to their mass. 'Lower/Upper corner' give "
      "the first box.");
    prm.declare_entry("Box margin",
                      "2",
                      Patterns::Double(),
                      "Moving box: room beyond the tails of the density, in "
                      "standard deviations of the density in that "
                      "coordinate (between 0.5 and 20).");
  }


  void
  MeshParameters::parse_parameters(const ParameterHandler &prm,
                                   const unsigned int      d,
                                   const std::string      &path)
  {
    lower_corner =
      parse_vector(prm.get("Lower corner"), path + "Lower corner", d);
    upper_corner =
      parse_vector(prm.get("Upper corner"), path + "Upper corner", d);
    for (unsigned int i = 0; i < d; ++i)
      if (!(lower_corner[i] < upper_corner[i]))
        throw InputError(path + "Upper corner",
                         "must exceed 'Lower corner' in every coordinate; "
                         "coordinate " +
                           std::to_string(i + 1) + " does not");
    const std::vector<double> read_subdivisions =
      parse_vector(prm.get("Subdivisions"), path + "Subdivisions");
    if (read_subdivisions.size() != 1 && read_subdivisions.size() != d)
      throw InputError(path + "Subdivisions",
                       "give one number or d = " + std::to_string(d) +
                         " numbers");
    subdivisions.clear();
    for (unsigned int i = 0; i < d; ++i)
      {
        const double s = read_subdivisions.size() == 1 ? read_subdivisions[0] :
                                                         read_subdivisions[i];
        if (s < 1 || s != static_cast<unsigned int>(s))
          throw InputError(path + "Subdivisions", "must be positive integers");
        subdivisions.push_back(static_cast<unsigned int>(s));
      }
    const long refinements = prm.get_integer("Global refinements");
    if (refinements < 0 || refinements > 12)
      throw InputError(path + "Global refinements",
                       "must be between 0 and 12, got " +
                         std::to_string(refinements));
    global_refinements     = refinements;
    const long read_degree = prm.get_integer("Finite element degree");
    if (read_degree < 1 || read_degree > 2)
      throw InputError(path + "Finite element degree",
                       "must be 1 or 2, got " + std::to_string(read_degree));
    degree               = read_degree;
    flux_corrected       = prm.get("Stabilization") != "none";
    low_order_scheme     = prm.get("Stabilization") == "low-order";
    skip_unlimited_steps = prm.get_bool("Skip unlimited steps");
    cutoff_tolerance     = prm.get_double("Cutoff tolerance");
    if (!(cutoff_tolerance >= 0 && cutoff_tolerance <= max_cutoff_tolerance))
      throw InputError(path + "Cutoff tolerance",
                       "must be between 0 and " +
                         Patterns::Tools::to_string(max_cutoff_tolerance) +
                         " (a fraction of the mass "
                         "moved per step), got " +
                         prm.get("Cutoff tolerance"));
    adaptive = prm.get_bool("Adaptive refinement");
    if (adaptive && d == 1)
      throw InputError(path + "Adaptive refinement",
                       "is available in dimension 2 and 3 (distributed "
                       "meshes); in 1-D refine the mesh uniformly with "
                       "'Mesh/Global refinements'");
    const long interval = prm.get_integer("Refinement interval");
    if (interval < 1)
      throw InputError(path + "Refinement interval", "must be at least 1");
    refinement_interval = interval;
    refine_fraction     = prm.get_double("Refine fraction");
    coarsen_fraction    = prm.get_double("Coarsen fraction");
    if (!(refine_fraction >= 0 && refine_fraction <= 1))
      throw InputError(path + "Refine fraction", "must be in [0, 1]");
    if (!(coarsen_fraction >= 0 && coarsen_fraction + refine_fraction <= 1))
      throw InputError(path + "Coarsen fraction",
                       "must be >= 0 with 'Refine fraction' + 'Coarsen "
                       "fraction' <= 1");
    const long read_minimum_level = prm.get_integer("Minimum refinement level");
    const long read_maximum_level = prm.get_integer("Maximum refinement level");
    if (adaptive &&
        (read_minimum_level < 0 || read_minimum_level > refinements))
      throw InputError(path + "Minimum refinement level",
                       "must be between 0 and 'Global refinements' (" +
                         std::to_string(refinements) + "), got " +
                         std::to_string(read_minimum_level));
    if (adaptive &&
        (read_maximum_level < refinements || read_maximum_level > 20))
      throw InputError(path + "Maximum refinement level",
                       "must be between 'Global refinements' (" +
                         std::to_string(refinements) + ") and 20, got " +
                         std::to_string(read_maximum_level));
    minimum_level    = std::max(0L, read_minimum_level);
    maximum_level    = std::max(0L, read_maximum_level);
    const long cells = prm.get_integer("Maximum cells");
    if (cells < 0)
      throw InputError(path + "Maximum cells", "must be 0 (no limit) or more");
    maximum_cells     = cells;
    const long cycles = prm.get_integer("Initial refinement cycles");
    if (cycles < 0 || cycles > 20)
      throw InputError(path + "Initial refinement cycles",
                       "must be between 0 and 20");
    initial_cycles = cycles;
    moving_box     = prm.get_bool("Moving box");
    if (moving_box && !flux_corrected)
      throw InputError(path + "Moving box",
                       "needs 'Stabilization = flux-corrected' or 'low-order': "
                       "the box follows the tails of the density (1e-6 of "
                       "its mass), and the Galerkin density has negative "
                       "and positive ripples far from its mass");
    box_margin = prm.get_double("Box margin");
    if (!(box_margin >= 0.5 && box_margin <= 20))
      throw InputError(path + "Box margin",
                       "must be between 0.5 and 20, got " +
                         prm.get("Box margin"));
  }
} // namespace kwfp
