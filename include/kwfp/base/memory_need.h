#ifndef kwfp_base_memory_need_h
#define kwfp_base_memory_need_h

#include <deal.II/base/mpi.h>

#include <cstdint>
#include <string>

namespace kwfp
{
  /**
   * Bytes this process may still allocate on its machine: MemAvailable of
   * /proc/meminfo, lowered to cgroup_memory_room() of the process's
   * control groups (/proc/self/cgroup, /proc/self/mountinfo). 0 when none
   * of these can be read.
   */
  std::uint64_t
  available_memory();

  /**
   * The smallest room under a memory limit of the control group named in
   * @p self_cgroup (the text of /proc/self/cgroup: "0::PATH" for v2,
   * "N:memory:PATH" for v1) and of each group above it up to the root of
   * its hierarchy's mount, found in @p mountinfo (the text of
   * /proc/self/mountinfo: the cgroup2 mount, and the cgroup mount with the
   * memory controller; /sys/fs/cgroup and /sys/fs/cgroup/memory when it is
   * empty). The room is the limit (v2 memory.max, v1
   * memory.limit_in_bytes) less what is used there without the inactive
   * file cache (memory.stat), which the kernel reclaims first. Levels that
   * are not visible are passed over. 0 when no level sets a limit.
   */
  std::uint64_t
  cgroup_memory_room(const std::string &self_cgroup,
                     const std::string &mountinfo);

  /**
   * Stop with InputError naming @p parameter when a run needs at least
   * @p bytes over all ranks of @p communicator (shared evenly) and the
   * ranks on one machine together need more than available_memory() there:
   * a clear message before the kernel ends the process without one.
   * @p what says what needs the memory. Collective: every rank throws or
   * none. No check where the available memory is unknown. The message
   * gives the figures of the rank whose machine lacks the most.
   */
  void
  check_memory_need(const double       bytes,
                    const MPI_Comm     communicator,
                    const std::string &parameter,
                    const std::string &what);
} // namespace kwfp

#endif
