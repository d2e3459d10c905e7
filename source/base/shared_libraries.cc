#include <kwfp/base/errors.h>
#include <kwfp/base/shared_libraries.h>
#include <kwfp/forward_model/forward_model_factory.h>

#include <dlfcn.h>

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
  } // namespace


  void
  load_shared_libraries(const std::vector<std::string> &libraries)
  {
    // Registrations never throw (a library's static initializers run
    // inside dlopen(), which an exception must not cross): they record
    // their clashes, read here.
    const auto compiled_in = forward_model_registry::take_errors();
    if (!compiled_in.empty())
      throw std::logic_error("the compiled-in forward models clash: " +
                             joined(compiled_in));
    for (const std::string &library : libraries)
      {
        if (library.empty())
          continue;
        dlerror(); // clear an earlier error
        if (dlopen(library.c_str(), RTLD_NOW | RTLD_GLOBAL) == nullptr)
          {
            const char *reason = dlerror();
            throw InputError("Additional shared libraries",
                             "cannot load '" + library +
                               "': " + (reason ? reason : "unknown reason"));
          }
        const auto clashes = forward_model_registry::take_errors();
        if (!clashes.empty())
          throw InputError("Additional shared libraries",
                           "'" + library + "': " + joined(clashes));
      }
  }
} // namespace kwfp
