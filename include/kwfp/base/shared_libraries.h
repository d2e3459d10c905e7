#ifndef kwfp_base_shared_libraries_h
#define kwfp_base_shared_libraries_h

#include <string>
#include <vector>

namespace kwfp
{
  /**
   * @brief Load the plugin libraries of 'Additional shared libraries'
   * (dlopen with RTLD_NOW | RTLD_GLOBAL), in the order given, so that the
   * forward models they register (KWFP_REGISTER_FORWARD_MODEL, the same
   * registry as the built-in ones) can be named in the parameter file.
   *
   * A name with a '/' is a path (relative ones from the working
   * directory), a name without one is looked up as dlopen does
   * (LD_LIBRARY_PATH, the system's directories). The libraries stay
   * loaded until the process ends. Throws InputError naming 'Additional
   * shared libraries' when a library cannot be loaded (dlerror()'s reason)
   * or when what it registers clashes with a name already taken.
   * Before loading, a clash among the compiled-in models is reported as a
   * std::logic_error (a fault of the build, not of the input).
   *
   * Under MPI every rank loads the libraries and, per library, learns
   * whether it failed on any rank (collective over MPI_COMM_WORLD when
   * @p libraries is not empty): all ranks then throw the same InputError,
   * which names the rank.
   */
  void
  load_shared_libraries(const std::vector<std::string> &libraries);
} // namespace kwfp

#endif
