#ifndef kwfp_postprocess_postprocessor_registry_h
#define kwfp_postprocess_postprocessor_registry_h

#include <kwfp/base/named_registry.h>
#include <kwfp/gaussian/gaussian.h>
#include <kwfp/postprocess/postprocessor.h>

#include <deal.II/base/conditional_ostream.h>
#include <deal.II/base/mpi.h>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace kwfp
{
  /// What a registered postprocessor is built from.
  struct PostprocessorSettings
  {
    /// 'Output/Directory'.
    std::string output_directory;
    /// 'Output/Interval': steps between field outputs (0: no fields).
    unsigned int output_interval = 10;
    /// 'Output/Compression' of the VTU files.
    std::string compression = "best speed";
    /// The ranks of the run (rank 0 writes files).
    MPI_Comm communicator = MPI_COMM_WORLD;
    /// Console lines (rank 0 only).
    dealii::ConditionalOStream *console = nullptr;
    /// There is a closed form (a Gaussian initial density and a quadratic
    /// Phi_R): diagnostics.csv has the columns of its errors.
    bool has_closed_form = false;
    /// 'Comparison/Decay fit window'.
    double decay_fit_begin = 1;
    /// 'Comparison/Decay fit window', its end.
    double decay_fit_end = 2;
    /// N(m_inf, C_inf) when Phi_R is quadratic (the exact decay rate).
    std::optional<Gaussian> stationary_gaussian;
  };

  /// Builds a postprocessor for each dimension.
  struct PostprocessorCreator
  {
    /// for d = 1
    std::function<std::unique_ptr<Postprocessor<1>>(
      const PostprocessorSettings &)>
      d1;
    /// for d = 2
    std::function<std::unique_ptr<Postprocessor<2>>(
      const PostprocessorSettings &)>
      d2;
    /// for d = 3
    std::function<std::unique_ptr<Postprocessor<3>>(
      const PostprocessorSettings &)>
      d3;
  };

  /// The creator of a postprocessor class template P<dim> with a
  /// constructor P(const PostprocessorSettings &).
  template <template <int> class P>
  PostprocessorCreator
  creator_of()
  {
    PostprocessorCreator c;
    c.d1 = [](const PostprocessorSettings &s) {
      return std::make_unique<P<1>>(s);
    };
    c.d2 = [](const PostprocessorSettings &s) {
      return std::make_unique<P<2>>(s);
    };
    c.d3 = [](const PostprocessorSettings &s) {
      return std::make_unique<P<3>>(s);
    };
    return c;
  }

  /**
   * @brief The postprocessors that 'Output/Postprocessors' can name: the
   * built-in "diagnostics" (diagnostics.csv, diagnostics_file.h), "fields"
   * (the ParaView files, field_files.h), "posterior"
   * (posterior.csv), "final density" (density_final.csv) and "KL decay"
   * (kl_decay.csv, end_of_run_files.h),
   * and those a plugin library ('Additional shared libraries') adds with
   * KWFP_REGISTER_POSTPROCESSOR. add() never throws (it runs in static
   * initializers, also inside dlopen()); clashes go to take_errors().
   */
  NamedRegistry<PostprocessorCreator> &
  postprocessor_registry();

  /// Build the registered postprocessor @p name for dimension dim.
  template <int dim>
  std::unique_ptr<Postprocessor<dim>>
  create_postprocessor(const std::string           &name,
                       const PostprocessorSettings &settings);
} // namespace kwfp

/// Register a postprocessor class template at program start (see
/// postprocessor_registry).
#define KWFP_REGISTER_POSTPROCESSOR(name, description, class_template)        \
  namespace                                                                   \
  {                                                                           \
    const bool kwfp_postprocessor_registered =                                \
      kwfp::postprocessor_registry().add(name,                                \
                                         description,                         \
                                         kwfp::creator_of<class_template>()); \
  }

#endif
