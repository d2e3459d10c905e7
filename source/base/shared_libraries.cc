#include <kwfp/base/errors.h>
#include <kwfp/base/shared_libraries.h>
#include <kwfp/forward_model/forward_model_factory.h>
#include <kwfp/postprocess/postprocessor_registry.h>

#include <deal.II/base/mpi.h>

#include <dlfcn.h>
#include <mpi.h>

#include <stdexcept>

namespace kwfp
{
  namespace
  {
    /// The clashes the registry recorded, one per line.
    std::string
    joined(const std::vector<std::string> &errors)
    {
      std::string text;
      for (const std::string &e : errors)
        text += (text.empty() ? "" : "; ") + e;
      return text;
    }

    /// The clashes of the forward-model and postprocessor registries.
    std::vector<std::string>
    take_registry_errors()
    {
      std::vector<std::string> errors = forward_model_registry::take_errors();
      for (std::string &e : postprocessor_registry().take_errors())
        errors.push_back(std::move(e));
      return errors;
    }
  } // namespace


  void
  load_shared_libraries(const std::vector<std::string> &libraries)
  {
    // Registrations never throw (a library's static initializers run
    // inside dlopen(), which an exception must not cross): they record
    // their clashes, read here.
    const auto compiled_in = take_registry_errors();
    if (!compiled_in.empty())
      throw std::logic_error("the compiled-in registrations clash: " +
                             joined(compiled_in));
    // Whether a library loads can differ between ranks (paths and
    // LD_LIBRARY_PATH on each node): every rank learns of a failure on any
    // of them, so that all stop with the message instead of some waiting
    // in a collective operation for the ones that stopped.
    int initialized = 0, finalized = 0, n_ranks = 1;
    MPI_Initialized(&initialized);
    MPI_Finalized(&finalized);
    const bool parallel = initialized && !finalized;
    if (parallel)
      MPI_Comm_size(MPI_COMM_WORLD, &n_ranks);
    for (const std::string &library : libraries)
      {
        if (library.empty())
          continue;
        std::string error;
        dlerror(); // clear an earlier error
        if (dlopen(library.c_str(), RTLD_NOW | RTLD_GLOBAL) == nullptr)
          {
            const char *reason = dlerror();
            error              = "cannot load '" + library +
                    "': " + (reason ? reason : "unknown reason");
          }
        else
          {
            const auto clashes = take_registry_errors();
            if (!clashes.empty())
              error = "'" + library + "': " + joined(clashes);
          }
        if (n_ranks > 1)
          {
            const std::vector<std::string> all =
              dealii::Utilities::MPI::all_gather(MPI_COMM_WORLD, error);
            for (int r = 0; r < n_ranks; ++r)
              if (!all[r].empty())
                throw InputError("Additional shared libraries",
                                 all[r] + " (on MPI rank " + std::to_string(r) +
                                   " of " + std::to_string(n_ranks) + ")");
          }
        else if (!error.empty())
          throw InputError("Additional shared libraries", error);
      }
  }
} // namespace kwfp
