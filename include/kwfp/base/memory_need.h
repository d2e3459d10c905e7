#ifndef kwfp_base_memory_need_h
#define kwfp_base_memory_need_h

#include <deal.II/base/mpi.h>

#include <cstdint>
#include <string>

namespace kwfp
{
  /**
   * Bytes this process may still allocate on its machine: MemAvailable of
   * /proc/meminfo, lowered to the room under the limit of the control
   * group mounted at /sys/fs/cgroup (v2 memory.max, or v1
   * memory.limit_in_bytes) less what is used there without the inactive
   * file cache (memory.stat), which the kernel reclaims first. 0 when none
   * of these can be read.
   */
  std::uint64_t
  available_memory();

  /**
   * Stop with InputError naming @p parameter when a run needs at least
   * @p bytes over all ranks of @p communicator (shared evenly) and the
   * ranks on one machine together need more than available_memory() there:
   * a clear message before the kernel ends the process without one.
   * @p what says what needs the memory. Collective: every rank throws or
   * none. No check where the available memory is unknown.
   */
  void
  check_memory_need(const double       bytes,
                    const MPI_Comm     communicator,
                    const std::string &parameter,
                    const std::string &what);
} // namespace kwfp

#endif
